namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>Tunables of the embedded SQLite store.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// WAL pages written before SQLite checkpoints into the database file. Session rows are rewritten by every
    /// turn, so a longer WAL folds many writes of one page into one checkpoint write. Default 10000 (about 40 MB).
    /// </summary>
    public int WalAutoCheckpointPages { get; set; } = 10_000;

    /// <summary>Page cache of the writer connection, in KiB. Default 65536 (64 MiB).</summary>
    public int WriterCacheKiB { get; set; } = 64 * 1024;
}
