using SafeMcp.Contracts;

namespace SafeMcp.HookOverhead;

/// <summary>Latencies of one series of calls, in milliseconds.</summary>
internal sealed class LatencySample(double[] milliseconds)
{
    private readonly double[] _sorted = milliseconds.Order().ToArray();

    public double Percentile(double p) => Percentiles.NearestRank(_sorted, p / 100);

    public double Mean => _sorted.Average();

    public double Max => _sorted[^1];
}
