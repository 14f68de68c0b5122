using System.Globalization;
using System.Net;
using System.Text;

namespace SafeMcp.LoadTest;

/// <summary>A self-contained HTML report of a run: the figures and latency-over-time / throughput-over-time plots (inline SVG, no scripts).</summary>
internal static class HtmlReport
{
    private const int Width = 900;
    private const int Height = 260;
    private const int Margin = 40;

    public static string Render(LoadResult result)
    {
        var timeline = result.Timeline ?? [];
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>SafeMCP load test</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}td{padding:2px 12px}svg{background:#fafafa;border:1px solid #ddd}</style></head><body>")
            .Append("<h1>SafeMCP load test</h1><table>");
        Row(html, "targets", string.Join(", ", result.Targets));
        Row(html, "scenario", result.Scenario ?? "");
        Row(html, "sessions / concurrency", $"{result.Sessions} / {result.Concurrency}");
        Row(html, "measured", $"{result.MeasuredSeconds:0.0} s");
        Row(html, "durable decisions", $"{result.Decisions} ({result.Allowed} allow, {result.ApprovalRequired} require_approval, {result.Denied} deny), {result.Errors} errors");
        Row(html, "throughput", $"{result.DecisionsPerSecond:0} decisions/s");
        if (result.OfferedPerSecond is { } offered)
        {
            Row(html, "offered (open loop)", $"{offered:0} requests/s, timed from when each was due; {result.WaitingAtEnd ?? 0} due but not sent at the end, at most {result.MostWaiting ?? 0} waiting{(result.FellBehind ? " (the silo fell behind)" : "")}");
        }
        Row(html, "latency", $"p50 {result.P50Ms:0.00} ms, p95 {result.P95Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, max {result.MaxMs:0.00} ms");
        foreach (var silo in result.Silos ?? [])
        {
            Row(html, "silo runtime", silo.Describe((double)result.Decisions / result.Silos!.Count));
        }
        html.Append("</table><h2>Latency over time (ms per second of the run)</h2>");
        var top = timeline.Select(p => p.P99Ms).Where(double.IsFinite).DefaultIfEmpty(1).Max() * 1.1;
        Plot(html, timeline, top, [("p50", "#1f77b4", p => p.P50Ms), ("p99", "#d62728", p => p.P99Ms)]);
        html.Append("<h2>Durable decisions and errors per second</h2>");
        var most = timeline.Select(p => (double)Math.Max(p.Decisions, p.Errors)).DefaultIfEmpty(1).Max() * 1.1;
        Plot(html, timeline, most, [("decisions", "#2ca02c", p => p.Decisions), ("errors", "#ff7f0e", p => p.Errors)]);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append("</td><td>").Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");

    private static void Plot(StringBuilder html, IReadOnlyList<TimelinePoint> points, double top, (string Name, string Color, Func<TimelinePoint, double> Value)[] series)
    {
        top = top > 0 ? top : 1;
        var seconds = Math.Max(1, points.Count - 1);
        string X(int second) => (Margin + (Width - 2 * Margin) * second / (double)seconds).ToString("0.0", CultureInfo.InvariantCulture);
        string Y(double value) => (Height - Margin - (Height - 2 * Margin) * Math.Min(value, top) / top).ToString("0.0", CultureInfo.InvariantCulture);
        html.Append(CultureInfo.InvariantCulture, $"<svg width=\"{Width}\" height=\"{Height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Height - Margin}\" x2=\"{Width - Margin}\" y2=\"{Height - Margin}\" stroke=\"#999\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Margin}\" x2=\"{Margin}\" y2=\"{Height - Margin}\" stroke=\"#999\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{Margin}\" font-size=\"11\">{top:0.#}</text><text x=\"2\" y=\"{Height - Margin}\" font-size=\"11\">0</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Margin}\" y=\"{Height - 10}\" font-size=\"11\" text-anchor=\"end\">{points.Count} s</text>");
        var legend = Margin + 10;
        foreach (var (name, color, value) in series)
        {
            var coordinates = points.Where(p => double.IsFinite(value(p))).Select(p => $"{X(p.Second)},{Y(value(p))}");
            html.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{string.Join(' ', coordinates)}\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{legend}\" y=\"{Margin - 10}\" fill=\"{color}\" font-size=\"12\">{WebUtility.HtmlEncode(name)}</text>");
            legend += 90;
        }
        html.Append("</svg>");
    }
}
