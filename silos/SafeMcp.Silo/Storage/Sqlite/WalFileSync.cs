using System.Runtime.InteropServices;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>
/// Makes the SQLite write-ahead log durable outside of SQLite's commit. The writer commits with
/// <c>synchronous=NORMAL</c> (each commit appends to the WAL without a sync, checkpoints still sync), and this
/// syncs the WAL file afterwards, so one sync covers every transaction committed before it started while the
/// next transactions commit in parallel. A sync flushes the file, not the descriptor: ours covers SQLite's writes.
/// On Linux it is <c>fdatasync</c>: SQLite rewrites the log in place, so most syncs carry data only, and skipping the
/// modification time keeps them out of the file system's journal, where a full <c>fsync</c> waits behind the
/// checkpoints' much larger syncs of the database file (measured: single syncs of over 100 ms).
/// </summary>
internal sealed class WalFileSync : IDisposable
{
    private readonly FileStream _wal;

    public WalFileSync(string databasePath)
    {
        var walPath = Path.GetFullPath(databasePath) + "-wal";
        // Opened for writing only because a flush to disk needs a writable handle; nothing is ever written here.
        _wal = new FileStream(walPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        // The WAL may be new (SQLite deletes it on a clean close): make its directory entry durable too.
        SyncDirectory(Path.GetDirectoryName(walPath)!);
    }

    /// <summary>Returns once everything committed to the WAL before the call is on disk.</summary>
    public void Flush()
    {
        if (!OperatingSystem.IsLinux())
        {
            _wal.Flush(flushToDisk: true);
            return;
        }
        var added = false;
        var handle = _wal.SafeFileHandle;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Fdatasync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"Cannot sync the write-ahead log (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => _wal.Dispose();

    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals directory entries; there is no directory handle to sync.
        }
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the database directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot sync the database directory '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int Fdatasync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
