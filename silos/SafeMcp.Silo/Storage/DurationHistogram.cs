using System.Diagnostics;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.Storage;

/// <summary>Durations counted by <see cref="LatencyBuckets"/>, safe to record from any thread; read as a copy.</summary>
internal sealed class DurationHistogram
{
    private readonly long[] _counts = new long[LatencyBuckets.Count];

    /// <summary>Counts the time from <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to now.</summary>
    public void RecordSince(long startTimestamp) =>
        Interlocked.Increment(ref _counts[LatencyBuckets.IndexOf(Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds)]);

    /// <summary>The counts so far.</summary>
    public long[] Snapshot()
    {
        var copy = new long[_counts.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Interlocked.Read(ref _counts[i]);
        }
        return copy;
    }
}
