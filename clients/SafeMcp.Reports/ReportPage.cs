using System.Globalization;
using System.Net;
using System.Text;

namespace SafeMcp.Reports;

/// <summary>
/// Builds a self-contained HTML page, in order: headings, tables of figures, paragraphs and line charts (inline SVG,
/// no scripts, no external files), so a report opens anywhere and can be attached as it is. Every text is HTML-encoded.
/// </summary>
public sealed class ReportPage
{
    /// <summary>Width of a chart in pixels.</summary>
    public const int ChartWidth = 900;

    /// <summary>Height of a chart in pixels.</summary>
    public const int ChartHeight = 260;

    /// <summary>Space around a chart's plot area, in pixels (axis labels and the legend go there).</summary>
    public const int ChartMargin = 40;

    private readonly StringBuilder _html = new();

    /// <summary>A page titled <paramref name="title"/> (also its first heading).</summary>
    public ReportPage(string title)
    {
        _html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}td{padding:2px 12px}svg{background:#fafafa;border:1px solid #ddd}</style>")
            .Append("</head><body><h1>").Append(Encode(title)).Append("</h1>");
    }

    /// <summary>A second-level heading.</summary>
    public ReportPage Heading(string text)
    {
        _html.Append("<h2>").Append(Encode(text)).Append("</h2>");
        return this;
    }

    /// <summary>A paragraph.</summary>
    public ReportPage Paragraph(string text)
    {
        _html.Append("<p>").Append(Encode(text)).Append("</p>");
        return this;
    }

    /// <summary>A table of name–value rows.</summary>
    public ReportPage Figures(IEnumerable<(string Name, string Value)> rows)
    {
        _html.Append("<table>");
        foreach (var (name, value) in rows)
        {
            _html.Append("<tr><td>").Append(Encode(name)).Append("</td><td>").Append(Encode(value)).Append("</td></tr>");
        }
        _html.Append("</table>");
        return this;
    }

    /// <summary>A table with a header row; the first cell of each row is its heading.</summary>
    public ReportPage Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _html.Append("<table border=\"1\" style=\"border-collapse:collapse\"><tr>");
        foreach (var cell in header)
        {
            _html.Append("<th>").Append(Encode(cell)).Append("</th>");
        }
        _html.Append("</tr>");
        foreach (var row in rows)
        {
            _html.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                _html.Append(i == 0 ? "<th>" : "<td style=\"text-align:right\">").Append(Encode(row[i])).Append(i == 0 ? "</th>" : "</td>");
            }
            _html.Append("</tr>");
        }
        _html.Append("</table>");
        return this;
    }

    /// <summary>
    /// A line chart of <paramref name="series"/>: x from the smallest to the largest x of all points; y from 0 to
    /// <paramref name="top"/> when <paramref name="fromZero"/> (the default; values above the top are drawn at it; null:
    /// 10% above the highest value), else from just below the lowest value to just above the highest (a curve that
    /// changes little, such as a loss, fills the chart). <paramref name="xLabel"/> is written at the right end of the x axis.
    /// </summary>
    public ReportPage Chart(IReadOnlyList<ChartSeries> series, string xLabel, double? top = null, bool fromZero = true)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var xMin = points.Count == 0 ? 0 : points.Min(p => p.X);
        var xMax = points.Count == 0 ? 1 : points.Max(p => p.X);
        var low = points.Count == 0 ? 0 : points.Min(p => p.Y);
        var high = points.Count == 0 ? 1 : points.Max(p => p.Y);
        var pad = Math.Max(high - low, Math.Abs(high) * 0.01) * 0.05;
        var yMin = fromZero ? Math.Min(0, low) : low - pad;
        var yMax = top ?? (fromZero ? Math.Max(high * 1.1, 0) : high + pad);
        if (yMax <= yMin)
        {
            yMax = yMin + 1;
        }
        var xSpan = xMax > xMin ? xMax - xMin : 1;
        string X(double x) => Number(ChartMargin + (ChartWidth - 2 * ChartMargin) * (x - xMin) / xSpan);
        string Y(double y) => Number(ChartHeight - ChartMargin - (ChartHeight - 2 * ChartMargin) * (Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin));

        _html.Append(CultureInfo.InvariantCulture, $"<svg width=\"{ChartWidth}\" height=\"{ChartHeight}\" xmlns=\"http://www.w3.org/2000/svg\">");
        _html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{ChartMargin}\" y1=\"{ChartHeight - ChartMargin}\" x2=\"{ChartWidth - ChartMargin}\" y2=\"{ChartHeight - ChartMargin}\" stroke=\"#999\"/>");
        _html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{ChartMargin}\" y1=\"{ChartMargin}\" x2=\"{ChartMargin}\" y2=\"{ChartHeight - ChartMargin}\" stroke=\"#999\"/>");
        _html.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{ChartMargin}\" font-size=\"11\">{Encode(Label(yMax))}</text>");
        _html.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{ChartHeight - ChartMargin}\" font-size=\"11\">{Encode(Label(yMin))}</text>");
        _html.Append(CultureInfo.InvariantCulture, $"<text x=\"{ChartWidth - ChartMargin}\" y=\"{ChartHeight - 10}\" font-size=\"11\" text-anchor=\"end\">{Encode(xLabel)}</text>");
        var legend = ChartMargin + 10;
        foreach (var line in series)
        {
            var coordinates = line.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => $"{X(p.X)},{Y(p.Y)}");
            _html.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Encode(line.Color)}\" stroke-width=\"1.5\" points=\"{string.Join(' ', coordinates)}\"/>");
            _html.Append(CultureInfo.InvariantCulture, $"<text x=\"{legend}\" y=\"{ChartMargin - 10}\" fill=\"{Encode(line.Color)}\" font-size=\"12\">{Encode(line.Name)}</text>");
            legend += Math.Max(90, 8 * line.Name.Length + 20);
        }
        _html.Append("</svg>");
        return this;
    }

    /// <summary>The page's HTML.</summary>
    public string Render() => _html.ToString() + "</body></html>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Label(double value) => value.ToString(Math.Abs(value) >= 10 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}
