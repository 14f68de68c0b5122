namespace SafeMcp.Contracts;

/// <summary>
/// The buckets of the latency histograms a silo reports (<see cref="SiloRuntimeStats.CommitWaitMicroseconds"/>):
/// four to each doubling from 1 µs, so a percentile read from them is within a fifth of the true value. The last bucket
/// takes everything above <see cref="UpperBoundMicroseconds"/> of the one before it.
/// </summary>
public static class LatencyBuckets
{
    /// <summary>Buckets in a histogram: up to 2^26 µs (67 s) by fourths of a doubling, then one for the rest.</summary>
    public const int Count = 26 * 4 + 2;

    /// <summary>The bucket of a duration of <paramref name="microseconds"/>.</summary>
    public static int IndexOf(double microseconds)
    {
        if (!(microseconds > 1))
        {
            return 0;
        }
        var index = (int)Math.Ceiling(Math.Log2(microseconds) * 4);
        return Math.Min(index, Count - 1);
    }

    /// <summary>The largest duration bucket <paramref name="index"/> holds, in µs (infinity for the last).</summary>
    public static double UpperBoundMicroseconds(int index) =>
        index >= Count - 1 ? double.PositiveInfinity : Math.Pow(2, index / 4.0);

    /// <summary>
    /// The <paramref name="quantile"/> (0–1) of the durations counted in <paramref name="counts"/>, as the upper bound
    /// of the bucket it falls in, in ms; NaN when nothing was counted.
    /// </summary>
    public static double PercentileMilliseconds(IReadOnlyList<long> counts, double quantile)
    {
        var total = 0L;
        foreach (var count in counts)
        {
            total += count;
        }
        if (total == 0)
        {
            return double.NaN;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        var seen = 0L;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBoundMicroseconds(i) / 1000;
            }
        }
        return double.PositiveInfinity;
    }
}
