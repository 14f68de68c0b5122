using SafeMcp.Contracts;

namespace SafeMcp.Gateway.Bench;

/// <summary>Percentiles of a set of call latencies.</summary>
internal sealed record LatencyStats(double P50Ms, double P99Ms, double MeanMs)
{
    public static LatencyStats Of(IReadOnlyList<TimeSpan> samples)
    {
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        return new LatencyStats(Percentiles.NearestRank(sorted, 0.50), Percentiles.NearestRank(sorted, 0.99), sorted.Average());
    }
}
