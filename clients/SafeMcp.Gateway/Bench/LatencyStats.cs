namespace SafeMcp.Gateway.Bench;

/// <summary>Percentiles of a set of call latencies.</summary>
internal sealed record LatencyStats(double P50Ms, double P99Ms, double MeanMs)
{
    public static LatencyStats Of(IReadOnlyList<TimeSpan> samples)
    {
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        return new LatencyStats(Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average());
    }

    // Nearest-rank percentile: a value that was measured, not an interpolation.
    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
