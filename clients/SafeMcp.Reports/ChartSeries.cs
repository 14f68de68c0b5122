namespace SafeMcp.Reports;

/// <summary>One line of a chart: its name (in the legend), its colour (any CSS colour) and its points, in x order.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<ChartPoint> Points);
