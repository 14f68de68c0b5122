using Microsoft.Data.Sqlite;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>
/// Keeps SQLite's checkpoints off the commit path. SQLite's own automatic checkpoint runs inside the commit that crosses
/// its threshold: the writer copies the whole write-ahead log into the database file and syncs it while every queued
/// decision waits (tens of milliseconds with a long log, the silo's largest latency spikes). Here the writer never
/// checkpoints on its own (<c>wal_autocheckpoint=0</c>); instead:
/// <list type="bullet">
/// <item>a background thread, on its own connection, runs a passive checkpoint every
/// <see cref="SqliteStorageOptions.CheckpointIntervalMilliseconds"/>: it copies the committed log into the database
/// while the writer goes on committing, and never blocks it;</item>
/// <item>the log can only start over from its beginning once all of it is copied, which a background pass rarely
/// achieves while commits keep coming. So when the log holds <see cref="SqliteStorageOptions.WalRestartPages"/> pages,
/// the writer, between two transactions, copies the little that is left itself (<see cref="CatchUpIfDue"/>); its next
/// transaction then writes the log from the start again.</item>
/// </list>
/// A checkpoint syncs the log before it copies, so the database file never holds a page the log could lose. SQLite
/// syncs the database file only at the end of a checkpoint that copies the whole log (before the log may start over):
/// a passive pass that leaves the last frames behind, as under load, leaves everything it copied unsynced, and the
/// writer's catch-up then had to sync all of it, tens of megabytes, while every queued decision waited. So after each pass that copied pages the background thread syncs
/// the database file itself (<see cref="FileDataSync"/>), and the catch-up's sync finds little left to write.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly FileDataSync _database;
    private readonly int _restartPages;
    private readonly TimeSpan _interval;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stopping = new();
    private volatile bool _restartDue;
    private long _passes;
    private long _catchUps;
    private long _databaseSyncs;
    private long _walPages;
    private long _lastCopied; // read and written by passes, which run one at a time
    private Exception? _lastError;

    /// <param name="connectionString">Opens the background pass's own connection.</param>
    /// <param name="databasePath">The database file, synced after each pass that copied pages.</param>
    /// <param name="options">Restart threshold and pass interval.</param>
    public WalCheckpointer(string connectionString, string databasePath, SqliteStorageOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.WalRestartPages);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.CheckpointIntervalMilliseconds);
        _restartPages = options.WalRestartPages;
        _interval = TimeSpan.FromMilliseconds(options.CheckpointIntervalMilliseconds);
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _database = new FileDataSync(databasePath);
        _thread = new Thread(Run) { IsBackground = true, Name = "sqlite checkpoint" };
        _thread.Start();
    }

    /// <summary>Background passes run so far.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Times the writer copied the rest of the log so that it could start over.</summary>
    public long CatchUps => Interlocked.Read(ref _catchUps);

    /// <summary>Syncs of the database file after background passes that copied pages.</summary>
    public long DatabaseSyncs => Interlocked.Read(ref _databaseSyncs);

    /// <summary>Pages in the log at the last background pass.</summary>
    public long WalPages => Interlocked.Read(ref _walPages);

    /// <summary>The error of the last failed pass or catch-up (cleared by the next that succeeds); set by two threads.</summary>
    public Exception? LastError
    {
        get => Volatile.Read(ref _lastError);
        private set => Volatile.Write(ref _lastError, value);
    }

    /// <summary>
    /// Called by the writer between transactions: when the log is long enough to start over, copies what the
    /// background passes left (a checkpoint on the writer's connection), so the next transaction starts the log afresh.
    /// A failure is kept in <see cref="LastError"/>, not thrown: the commit goes on and a later call tries again.
    /// </summary>
    public void CatchUpIfDue(SqliteConnection writer)
    {
        if (!_restartDue)
        {
            return;
        }
        _restartDue = false;
        try
        {
            Checkpoint(writer);
            Interlocked.Increment(ref _catchUps);
            LastError = null;
        }
        catch (SqliteException error)
        {
            LastError = error;
        }
    }

    private void Run()
    {
        while (!_stopping.Wait(_interval))
        {
            RunPass();
        }
    }

    /// <summary>
    /// One background pass: copies the committed log, syncs the database file when it copied pages, and marks a restart
    /// due when the log is long. Run by the background thread (tests with a long interval run it themselves).
    /// A failure is kept in <see cref="LastError"/>.
    /// </summary>
    internal void RunPass()
    {
        try
        {
            var (pages, copied) = Checkpoint(_connection);
            // Copied counts every frame copied since the log last started over: it changes when this pass copied.
            // (Only an optimization: SQLite's own sync before the log starts over is what keeps the data safe.)
            if (copied != _lastCopied)
            {
                _database.Flush();
                _lastCopied = copied;
                Interlocked.Increment(ref _databaseSyncs);
            }
            Interlocked.Exchange(ref _walPages, pages);
            Interlocked.Increment(ref _passes);
            if (pages >= _restartPages)
            {
                _restartDue = true;
            }
            LastError = null;
        }
        catch (Exception error) when (error is SqliteException or IOException)
        {
            LastError = error;
        }
    }

    /// <summary>A passive checkpoint (never waits for the writer or for readers); returns the pages in the log and the pages copied so far.</summary>
    private static (long Pages, long Copied) Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        // One row: busy (could not finish), pages in the log, pages copied. -1 when the database is not in WAL mode.
        return reader.Read() ? (Math.Max(0, reader.GetInt64(1)), Math.Max(0, reader.GetInt64(2))) : (0, 0);
    }

    public void Dispose()
    {
        _stopping.Set();
        _thread.Join();
        _connection.Dispose();
        _database.Dispose();
        _stopping.Dispose();
    }
}
