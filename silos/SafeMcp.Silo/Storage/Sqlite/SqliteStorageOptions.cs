namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>Tunables of the embedded SQLite store.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// Pages in the write-ahead log at which the writer copies what the background checkpoints left and the log starts
    /// over from its beginning (see <see cref="WalCheckpointer"/>). Session rows are rewritten by every turn, so a longer
    /// log folds many writes of one page into one copy; a shorter one keeps the log's index small. It is checked at each
    /// background pass, so the log grows to whichever is larger: this, or what one <see cref="CheckpointIntervalMilliseconds"/>
    /// writes. Default 10000 (about 40 MB).
    /// </summary>
    public int WalRestartPages { get; set; } = 10_000;

    /// <summary>
    /// How often a background thread copies the committed log into the database file (a passive checkpoint, which
    /// never blocks the writer) and then syncs the database file. Default 1000 ms: a longer interval copies a page
    /// rewritten many times once, and so syncs far less; a shorter one keeps the log and the catch-up at restart small
    /// (measurements: docs/benchmarks.md, "Checkpoint interval").
    /// </summary>
    public int CheckpointIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Page cache of the writer connection, in KiB. Default 8192 (8 MiB): it holds the hot pages of thousands of active
    /// sessions, and the operating system's cache serves the rest. Larger is slower: SQLite scans the whole cache at the
    /// end of every transaction (see docs/benchmarks.md, "The embedded silo's tail").
    /// </summary>
    public int WriterCacheKiB { get; set; } = 8 * 1024;
}
