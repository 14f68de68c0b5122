using System.Globalization;
using SafeMcp.Contracts;

namespace SafeMcp.LoadTest;

/// <summary>
/// What one silo process spent during the measured window: collections, time paused by them, bytes allocated, processor
/// time, and time compiling methods (a run that still compiles its hot path measures a silo warming up, not its steady
/// state: lengthen the warm-up).
/// </summary>
internal sealed record SiloRuntimeDelta(
    string Silo,
    double Seconds,
    int Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseMs,
    long AllocatedBytes,
    double CpuMs,
    long Forwarded,
    double JitMs = 0,
    long JitMethods = 0,
    double? CommitWaitP50Ms = null,
    double? CommitWaitP99Ms = null,
    double? LogSyncP99Ms = null)
{
    /// <summary>The difference between two snapshots of one silo.</summary>
    public static SiloRuntimeDelta Between(SiloRuntimeStats before, SiloRuntimeStats after) => new(
        after.Silo,
        after.UptimeSeconds - before.UptimeSeconds,
        after.Collections[0] - before.Collections[0],
        after.Collections[1] - before.Collections[1],
        after.Collections[2] - before.Collections[2],
        after.GcPauseMilliseconds - before.GcPauseMilliseconds,
        after.AllocatedBytes - before.AllocatedBytes,
        after.CpuMilliseconds - before.CpuMilliseconds,
        after.ForwardedRequests - before.ForwardedRequests,
        after.JitMilliseconds - before.JitMilliseconds,
        after.JitMethods - before.JitMethods,
        Percentile(before.CommitWaitMicroseconds, after.CommitWaitMicroseconds, 0.50),
        Percentile(before.CommitWaitMicroseconds, after.CommitWaitMicroseconds, 0.99),
        Percentile(before.LogSyncMicroseconds, after.LogSyncMicroseconds, 0.99));

    /// <summary>A percentile of what a silo's histogram counted between two readings, in ms; null when it has none or counted nothing.</summary>
    private static double? Percentile(IReadOnlyList<long>? before, IReadOnlyList<long>? after, double quantile)
    {
        if (after is null || after.Count != LatencyBuckets.Count)
        {
            return null;
        }
        var counted = new long[after.Count];
        for (var i = 0; i < counted.Length; i++)
        {
            counted[i] = after[i] - (before is { Count: LatencyBuckets.Count } ? before[i] : 0);
        }
        var value = LatencyBuckets.PercentileMilliseconds(counted, quantile);
        return double.IsFinite(value) ? value : null;
    }

    /// <summary>Share of the window every thread of the silo stood paused for a collection.</summary>
    public double PausedShare => Seconds > 0 ? GcPauseMs / (Seconds * 1000) : double.NaN;

    /// <summary>One line for the terminal and the report; <paramref name="decisions"/> is the silo's share of the decisions.</summary>
    public string Describe(double decisions) => Costs(decisions)
        + (JitMethods > 0 ? string.Create(CultureInfo.InvariantCulture, $"; compiling {JitMs:0} ms ({JitMethods} methods, {JitMs / Math.Max(CpuMs, 1e-9):P0} of its CPU)") : "")
        + (Forwarded > 0 ? $"; {Forwarded} requests forwarded to their owner" : "")
        + (CommitWaitP99Ms is { } wait
            ? string.Create(CultureInfo.InvariantCulture, $"; commit wait p50 {CommitWaitP50Ms:0.00} / p99 {wait:0.00} ms")
                + (LogSyncP99Ms is { } sync ? string.Create(CultureInfo.InvariantCulture, $", log sync p99 {sync:0.00} ms") : "")
            : "");

    private string Costs(double decisions) => string.Create(CultureInfo.InvariantCulture,
        $"{Silo}: {Collections} collections ({Collections / Math.Max(Seconds, 1e-9):0.0}/s; {Gen1Collections} gen1, {Gen2Collections} gen2), "
        + $"paused {GcPauseMs:0} ms = {PausedShare:P1} of the window, {GcPauseMs / Math.Max(1, Collections):0.0} ms each; "
        + $"per decision {AllocatedBytes / 1024.0 / Math.Max(1, decisions):0.0} KiB allocated, {CpuMs * 1000 / Math.Max(1, decisions):0} µs CPU");
}
