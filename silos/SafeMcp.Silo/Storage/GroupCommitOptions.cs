namespace SafeMcp.Silo.Storage;

/// <summary>Tunables of group commit.</summary>
public sealed class GroupCommitOptions
{
    /// <summary>Most writes committed in one transaction. Default 512.</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>
    /// Stores that sync after commit (SQLite): while a sync runs, the next transaction waits for this many writes or for
    /// the sync to end. Default 8.
    /// </summary>
    public int MinBatchWhileSyncing { get; set; } = 8;

    /// <summary>Writes waiting for a commit before callers are made to wait for room (backpressure). Default 16384.</summary>
    public int QueueCapacity { get; set; } = 16_384;
}
