namespace SafeMcp.Reports;

/// <summary>A point of a line; a value that is not finite (NaN, ∞) leaves a point out.</summary>
public readonly record struct ChartPoint(double X, double Y);
