using System.Globalization;
using System.Text.RegularExpressions;

namespace SafeMcp.Reports.Tests;

public sealed partial class ReportPageTests
{
    [Fact]
    public void A_chart_from_zero_puts_zero_on_the_axis_and_the_highest_value_a_tenth_below_the_top()
    {
        var page = new ReportPage("Run").Chart([new ChartSeries("p99", "#d62728", [new(0, 0), new(1, 5), new(2, 10)])], "2 s").Render();

        var points = Points(page).Single();
        var bottom = ReportPage.ChartHeight - ReportPage.ChartMargin;
        var plotHeight = ReportPage.ChartHeight - 2 * ReportPage.ChartMargin;
        Assert.Equal((ReportPage.ChartMargin, bottom), points[0]);
        Assert.Equal(ReportPage.ChartWidth - ReportPage.ChartMargin, points[2].X);
        Assert.Equal(bottom - plotHeight / 1.1, points[2].Y, 0.1);
        Assert.Equal((points[0].X + points[2].X) / 2, points[1].X, 0.1);
        Assert.Contains(">11</text>", page);
    }

    [Fact]
    public void A_chart_not_from_zero_spans_its_values_so_a_small_change_fills_it()
    {
        var page = new ReportPage("Training").Chart([new ChartSeries("loss", "#1f77b4", [new(1, -1.84), new(2, -1.83), new(3, double.NaN)])], "epoch 3", fromZero: false).Render();

        var points = Points(page).Single();
        Assert.Equal(2, points.Count);
        Assert.True(points[0].Y > points[1].Y + 0.8 * (ReportPage.ChartHeight - 2 * ReportPage.ChartMargin), page);
    }

    [Fact]
    public void Every_text_is_encoded_and_values_above_the_top_are_drawn_at_it()
    {
        var page = new ReportPage("<script>x</script>")
            .Figures([("a<b", "c&d")])
            .Paragraph("\"quoted\"")
            .Chart([new ChartSeries("<i>", "red\" onload=\"x", [new(0, 1), new(1, 100)])], "<end>", top: 10)
            .Render();

        Assert.DoesNotContain("<script>", page);
        Assert.DoesNotContain("<i>", page);
        Assert.DoesNotContain("onload=\"x", page);
        Assert.Contains("a&lt;b", page);
        Assert.Contains("c&amp;d", page);
        Assert.EndsWith("</body></html>", page);
        Assert.Equal(ReportPage.ChartMargin, Points(page).Single()[1].Y);
    }

    [Fact]
    public void A_table_has_its_header_and_a_heading_cell_then_values_a_row()
    {
        var page = new ReportPage("Labels").Table(["true \\ predicted", "safe", "unsafe"], [["safe", "55", "5"], ["<unsafe>", "4", "7"]]).Render();

        Assert.Contains("<tr><th>true \\ predicted</th><th>safe</th><th>unsafe</th></tr>", page);
        Assert.Contains("<tr><th>safe</th><td style=\"text-align:right\">55</td><td style=\"text-align:right\">5</td></tr>", page);
        Assert.Contains("<th>&lt;unsafe&gt;</th>", page);
    }

    private static List<List<(double X, double Y)>> Points(string page) =>
        [.. PolylinePattern().Matches(page).Select(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))
            .ToList())];

    [GeneratedRegex("<polyline [^>]*points=\"([^\"]*)\"")]
    private static partial Regex PolylinePattern();
}
