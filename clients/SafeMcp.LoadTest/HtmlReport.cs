using SafeMcp.Reports;

namespace SafeMcp.LoadTest;

/// <summary>A self-contained HTML report of a run: the figures and latency-over-time / throughput-over-time plots (<see cref="ReportPage"/>).</summary>
internal static class HtmlReport
{
    public static string Render(LoadResult result)
    {
        var timeline = result.Timeline ?? [];
        var figures = new List<(string, string)>
        {
            ("targets", string.Join(", ", result.Targets)),
            ("scenario", result.Scenario ?? ""),
            ("sessions / concurrency", $"{result.Sessions} / {result.Concurrency}"),
            ("measured", $"{result.MeasuredSeconds:0.0} s"),
            ("durable decisions", $"{result.Decisions} ({result.Allowed} allow, {result.ApprovalRequired} require_approval, {result.Denied} deny), {result.Errors} errors"),
            ("throughput", $"{result.DecisionsPerSecond:0} decisions/s"),
        };
        if (result.OfferedPerSecond is { } offered)
        {
            figures.Add(("offered (open loop)", $"{offered:0} requests/s, timed from when each was due; {result.WaitingAtEnd ?? 0} due but not sent at the end, at most {result.MostWaiting ?? 0} waiting{(result.FellBehind ? " (the silo fell behind)" : "")}"));
        }
        figures.Add(("latency", $"p50 {result.P50Ms:0.00} ms, p95 {result.P95Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, max {result.MaxMs:0.00} ms"));
        foreach (var silo in result.Silos ?? [])
        {
            figures.Add(("silo runtime", silo.Describe((double)result.Decisions / result.Silos!.Count)));
        }
        if (result.DescribeGenerator() is { } generator)
        {
            figures.Add(("load generator", generator));
        }
        var end = $"{timeline.Count} s";
        return new ReportPage("SafeMCP load test")
            .Figures(figures)
            .Heading("Latency over time (ms per second of the run)")
            .Chart([Line("p50", "#1f77b4", timeline, p => p.P50Ms), Line("p99", "#d62728", timeline, p => p.P99Ms)], end)
            .Heading("Durable decisions and errors per second")
            .Chart([Line("decisions", "#2ca02c", timeline, p => p.Decisions), Line("errors", "#ff7f0e", timeline, p => p.Errors)], end)
            .Render();
    }

    private static ChartSeries Line(string name, string color, IReadOnlyList<TimelinePoint> timeline, Func<TimelinePoint, double> value) =>
        new(name, color, [.. timeline.Select(p => new ChartPoint(p.Second, value(p)))]);
}
