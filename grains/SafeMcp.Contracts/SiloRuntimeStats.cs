namespace SafeMcp.Contracts;

/// <summary>
/// Answer of <c>GET /v1/silo/runtime</c>: the silo process's runtime counters since it started. Two snapshots taken
/// around a load run give the garbage collections, the time the process was paused by them, and the bytes allocated
/// per decision in between (the load tester prints them).
/// </summary>
/// <param name="Silo">The silo's name.</param>
/// <param name="UptimeSeconds">Seconds since the process started.</param>
/// <param name="ProcessorCount">Processors the runtime uses.</param>
/// <param name="Collections">Garbage collections so far, of generation 0, 1 and 2 (a collection of generation n counts for every generation up to n).</param>
/// <param name="GcPauseMilliseconds">Total time every thread was paused by garbage collections.</param>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap so far.</param>
/// <param name="HeapBytes">Bytes the managed heap holds now (live and not yet collected).</param>
/// <param name="ThreadPoolThreads">Thread-pool threads now.</param>
/// <param name="CpuMilliseconds">Processor time the process has used.</param>
/// <param name="ForwardedRequests">Requests passed on to the silo owning their session (0 on a single silo; a client that routes by membership keeps it near 0).</param>
/// <param name="JitMilliseconds">Time the runtime spent compiling methods (every tier), all threads; 0 from a silo that does not report it.</param>
/// <param name="JitMethods">Methods compiled so far (each tier of a method counts); 0 from a silo that does not report it.</param>
/// <param name="CommitWaitMicroseconds">
/// How long writes waited for their group commit to be durable, from the turn handing the write over to its
/// acknowledgement: counts by <see cref="LatencyBuckets"/>. Null from a silo that does not report it.
/// </param>
/// <param name="LogSyncMicroseconds">
/// How long the syncs of the embedded store's log took (<see cref="LatencyBuckets"/>); null when the store has no sync
/// stage of its own (PostgreSQL syncs inside its commit).
/// </param>
public sealed record SiloRuntimeStats(
    string Silo,
    double UptimeSeconds,
    int ProcessorCount,
    IReadOnlyList<int> Collections,
    double GcPauseMilliseconds,
    long AllocatedBytes,
    long HeapBytes,
    int ThreadPoolThreads,
    double CpuMilliseconds,
    long ForwardedRequests,
    double JitMilliseconds = 0,
    long JitMethods = 0,
    IReadOnlyList<long>? CommitWaitMicroseconds = null,
    IReadOnlyList<long>? LogSyncMicroseconds = null);
