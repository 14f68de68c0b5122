using SafeMcp.Contracts;

namespace SafeMcp.LoadTest;

/// <summary>Latencies in microseconds, recorded by many workers without locks (one buffer a worker), merged at the end.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long>[] _perWorker;
    private readonly List<int>[] _atSecond;
    private readonly long[] _errorsPerSecond = new long[(int)(LoadOptions.MaxDuration.TotalSeconds * 2)];
    private long _count;
    private long _errors;

    public LatencyRecorder(int workers)
    {
        _perWorker = new List<long>[workers];
        _atSecond = new List<int>[workers];
        for (var i = 0; i < workers; i++)
        {
            _perWorker[i] = new List<long>(1 << 16);
            _atSecond[i] = new List<int>(1 << 16);
        }
    }

    public long Count => Interlocked.Read(ref _count);

    public long Errors => Interlocked.Read(ref _errors);

    /// <param name="worker">The recording worker (its own buffer).</param>
    /// <param name="microseconds">The decision's latency.</param>
    /// <param name="second">Second of the measured phase it completed in (for the timeline).</param>
    public void Record(int worker, long microseconds, int second = 0)
    {
        _perWorker[worker].Add(microseconds);
        _atSecond[worker].Add(second);
        Interlocked.Increment(ref _count);
    }

    public void RecordError(int second = 0)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref _errorsPerSecond[Math.Clamp(second, 0, _errorsPerSecond.Length - 1)]);
    }

    /// <summary>Decisions, errors and latency percentiles of each second of the measured phase.</summary>
    public IReadOnlyList<TimelinePoint> Timeline()
    {
        var bySecond = new SortedDictionary<int, List<long>>();
        for (var w = 0; w < _perWorker.Length; w++)
        {
            for (var i = 0; i < _perWorker[w].Count; i++)
            {
                if (!bySecond.TryGetValue(_atSecond[w][i], out var list))
                {
                    bySecond[_atSecond[w][i]] = list = [];
                }
                list.Add(_perWorker[w][i]);
            }
        }
        var last = Math.Max(bySecond.Count == 0 ? -1 : bySecond.Keys.Max(), Array.FindLastIndex(_errorsPerSecond, e => e > 0));
        var points = new List<TimelinePoint>();
        for (var second = 0; second <= last; second++)
        {
            var sorted = bySecond.TryGetValue(second, out var list) ? list.Order().ToArray() : [];
            points.Add(new TimelinePoint(second, sorted.Length, Interlocked.Read(ref _errorsPerSecond[second]),
                Percentile(sorted, 0.50) / 1000, Percentile(sorted, 0.99) / 1000, sorted.Length == 0 ? double.NaN : sorted[^1] / 1000.0));
        }
        return points;
    }

    /// <summary>All latencies, sorted.</summary>
    public long[] Sorted()
    {
        var all = _perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return all;
    }

    /// <summary>The <paramref name="quantile"/> of sorted latencies (nearest rank).</summary>
    public static double Percentile(long[] sorted, double quantile) => Percentiles.NearestRank(sorted, quantile);
}
