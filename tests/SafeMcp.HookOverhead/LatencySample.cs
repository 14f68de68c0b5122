namespace SafeMcp.HookOverhead;

/// <summary>Latencies of one series of calls, in milliseconds.</summary>
internal sealed class LatencySample(double[] milliseconds)
{
    private readonly double[] _sorted = milliseconds.Order().ToArray();

    public double Percentile(double p) => _sorted[Math.Clamp((int)Math.Ceiling(p / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double Mean => _sorted.Average();

    public double Max => _sorted[^1];
}
