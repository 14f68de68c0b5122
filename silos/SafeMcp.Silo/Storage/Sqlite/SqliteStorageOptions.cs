namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>Tunables of the embedded SQLite store.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// WAL pages written before SQLite checkpoints into the database file. Session rows are rewritten by every
    /// turn, so a longer WAL folds many writes of one page into one checkpoint write. Default 10000 (about 40 MB).
    /// </summary>
    public int WalAutoCheckpointPages { get; set; } = 10_000;

    /// <summary>
    /// Page cache of the writer connection, in KiB. Default 8192 (8 MiB): it holds the hot pages of thousands of active
    /// sessions, and the operating system's cache serves the rest. Larger is slower, not faster: at the end of every
    /// transaction SQLite scans the cache's whole hash table to drop pages past the end of the database, a cost that
    /// grows with the cache (it was among the silo's largest single costs in a profile with 64 MiB).
    /// </summary>
    public int WriterCacheKiB { get; set; } = 8 * 1024;
}
