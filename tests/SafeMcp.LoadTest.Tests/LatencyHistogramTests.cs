using SafeMcp.Contracts;

namespace SafeMcp.LoadTest.Tests;

/// <summary>The silo's latency histograms: buckets a fourth of a doubling wide, percentiles read from two readings.</summary>
public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 0)]
    [InlineData(2.0, 4)]
    [InlineData(100.0, 27)]
    [InlineData(1e12, LatencyBuckets.Count - 1)]
    public void A_duration_falls_in_the_first_bucket_whose_upper_bound_holds_it(double microseconds, int expected)
    {
        var index = LatencyBuckets.IndexOf(microseconds);

        Assert.Equal(expected, index);
        Assert.True(microseconds <= LatencyBuckets.UpperBoundMicroseconds(index));
        Assert.True(index == 0 || microseconds > LatencyBuckets.UpperBoundMicroseconds(index - 1));
    }

    [Fact]
    public void Percentiles_come_from_the_counts_between_two_readings()
    {
        var before = new long[LatencyBuckets.Count];
        before[LatencyBuckets.IndexOf(50_000)] = 500; // slow writes before the window must not count
        var after = (long[])before.Clone();
        after[LatencyBuckets.IndexOf(100)] += 980;
        after[LatencyBuckets.IndexOf(3_000)] += 20;

        var delta = SiloRuntimeDelta.Between(Stats(before, null), Stats(after, null));

        // 100 µs lies in the bucket up to 2^(27/4) µs = 107.6 µs; 3 ms in the one up to 2^(47/4) µs = 3.44 ms.
        Assert.Equal(Math.Pow(2, 27 / 4.0) / 1000, delta.CommitWaitP50Ms!.Value, 6);
        Assert.Equal(Math.Pow(2, 47 / 4.0) / 1000, delta.CommitWaitP99Ms!.Value, 6);
        Assert.Null(delta.LogSyncP99Ms);
        Assert.Contains("commit wait p50 0.11 / p99 3.44 ms", delta.Describe(1000));
        Assert.True(double.IsNaN(LatencyBuckets.PercentileMilliseconds(new long[LatencyBuckets.Count], 0.99)));
    }

    private static SiloRuntimeStats Stats(long[] commitWait, long[]? logSync) =>
        new("silo", 10, 2, [0, 0, 0], 0, 0, 0, 1, 0, 0, 0, 0, commitWait, logSync);
}
