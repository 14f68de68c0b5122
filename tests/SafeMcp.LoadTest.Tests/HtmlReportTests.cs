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
        Assert.DoesNotContain("load generator", page);
        var withGenerator = HtmlReport.Render(result with { GeneratorCpuMicrosecondsPerDecision = 42.4 });
        Assert.Matches("<td>load generator</td><td>42 [^<]+ of processor time per decision", withGenerator);
    }

    [Fact]
    public void A_silos_line_gives_its_compilation_time_in_the_window_when_it_reports_one()
    {
        var before = new SafeMcp.Contracts.SiloRuntimeStats("silo0", 10, 2, [10, 2, 1], 30, 1_000_000, 500_000, 4, 2_000, 0, JitMilliseconds: 900, JitMethods: 5_000);
        var after = before with { UptimeSeconds = 25, Collections = [40, 8, 2], GcPauseMilliseconds = 120, AllocatedBytes = 201_000_000, CpuMilliseconds = 17_000, JitMilliseconds = 1_200, JitMethods = 5_150 };
        var older = before with { JitMilliseconds = 0, JitMethods = 0 };

        var delta = SiloRuntimeDelta.Between(before, after);

        Assert.Equal((300.0, 150L), (delta.JitMs, delta.JitMethods));
        Assert.EndsWith("compiling 300 ms (150 methods, 2 % of its CPU)", delta.Describe(15_000));
        Assert.DoesNotContain("compiling", SiloRuntimeDelta.Between(older, older with { CpuMilliseconds = 3_000 }).Describe(100));
    }
}
