namespace SafeMcp.LoadTest;

/// <summary>Latencies in microseconds, recorded by many workers without locks (one buffer a worker), merged at the end.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long>[] _perWorker;
    private long _count;
    private long _errors;

    public LatencyRecorder(int workers)
    {
        _perWorker = new List<long>[workers];
        for (var i = 0; i < workers; i++)
        {
            _perWorker[i] = new List<long>(1 << 16);
        }
    }

    public long Count => Interlocked.Read(ref _count);

    public long Errors => Interlocked.Read(ref _errors);

    public void Record(int worker, long microseconds)
    {
        _perWorker[worker].Add(microseconds);
        Interlocked.Increment(ref _count);
    }

    public void RecordError() => Interlocked.Increment(ref _errors);

    /// <summary>All latencies, sorted.</summary>
    public long[] Sorted()
    {
        var all = _perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return all;
    }

    /// <summary>The <paramref name="quantile"/> of sorted latencies (nearest rank).</summary>
    public static double Percentile(long[] sorted, double quantile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
