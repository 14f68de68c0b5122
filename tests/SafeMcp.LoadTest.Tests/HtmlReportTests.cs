using System.Text.RegularExpressions;

namespace SafeMcp.LoadTest.Tests;

public sealed class HtmlReportTests
{
    [Fact]
    public void The_report_gives_the_figures_and_plots_latency_and_decisions_a_point_a_second()
    {
        TimelinePoint[] timeline = [new(0, 900, 0, 2.5, 9.0, 12.0), new(1, 1000, 1, 2.0, 8.0, 11.0), new(2, 950, 0, 2.2, double.NaN, 10.0)];
        var result = new LoadResult(["http://127.0.0.1:5080/"], 100, 8, 3.0, 2850, 1, 950, 2.2, 7.0, 9.0, 12.0, 2000, 500, 350,
            Scenario: "synthetic", Timeline: timeline);

        var page = HtmlReport.Render(result);

        Assert.Contains("<td>throughput</td><td>950 decisions/s</td>", page);
        Assert.Contains("p99 9.00 ms", page);
        var lines = Regex.Matches(page, "<polyline [^>]*points=\"([^\"]*)\"").Select(m => m.Groups[1].Value.Split(' ').Length).ToList();
        // p50 and p99 (its unknown third second left out), then decisions and errors.
        Assert.Equal([3, 2, 3, 3], lines);
        Assert.Contains(">3 s</text>", page);
    }
}
