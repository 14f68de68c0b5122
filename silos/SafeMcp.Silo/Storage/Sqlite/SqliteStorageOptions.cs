namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>Tunables of the embedded SQLite store.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// Pages in the write-ahead log at which the writer copies what the background checkpoints left and the log starts
    /// over from its beginning (see <see cref="WalCheckpointer"/>). Session rows are rewritten by every turn, so a longer
    /// log folds many writes of one page into one copy; a shorter one keeps the log's index small. It is checked at each
    /// background pass, so the log grows to whichever is larger: this, or what one <see cref="CheckpointIntervalMilliseconds"/>
    /// writes (at 12,000 decisions a second and the default interval, about 30,000 pages, 120 MB). Default 10000 (about 40 MB).
    /// </summary>
    public int WalRestartPages { get; set; } = 10_000;

    /// <summary>
    /// How often a background thread copies the committed log into the database file (a passive checkpoint, which
    /// never blocks the writer) and then syncs the database file. Default 1000 ms. A pass copies each page once however
    /// often the log rewrote it since the last pass, so a longer interval writes and syncs far less (at 100 ms the
    /// database file was being synced a tenth of the time, and the log's own syncs, waiting behind those writes, made
    /// most of the decisions' latency tail); a shorter one keeps the log and the writer's catch-up at restart smaller.
    /// </summary>
    public int CheckpointIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Page cache of the writer connection, in KiB. Default 8192 (8 MiB): it holds the hot pages of thousands of active
    /// sessions, and the operating system's cache serves the rest. Larger is slower, not faster: at the end of every
    /// transaction SQLite scans the cache's whole hash table to drop pages past the end of the database, a cost that
    /// grows with the cache (it was among the silo's largest single costs in a profile with 64 MiB).
    /// </summary>
    public int WriterCacheKiB { get; set; } = 8 * 1024;
}
