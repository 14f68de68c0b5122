using System.Runtime.InteropServices;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>
/// Makes a file of the SQLite database durable outside of SQLite. For the write-ahead log: the writer commits with
/// <c>synchronous=NORMAL</c> (each commit appends to the WAL without a sync, checkpoints still sync), and this syncs
/// the WAL file afterwards, so one sync covers every transaction committed before it started while the next
/// transactions commit in parallel. For the database file: see <see cref="WalCheckpointer"/>. A sync flushes the
/// file, not the descriptor: ours covers SQLite's writes.
/// On Linux it is <c>fdatasync</c>: SQLite rewrites the log in place, so most syncs carry data only, and skipping the
/// modification time keeps them out of the file system's journal, where a full <c>fsync</c> waits behind the
/// checkpoints' much larger syncs of the database file (measurements: docs/benchmarks.md, "The embedded silo's tail").
/// </summary>
internal sealed class FileDataSync : IDisposable
{
    private readonly FileStream _file;

    /// <param name="path">The file; created empty if missing (SQLite deletes its log on a clean close), with its directory entry made durable.</param>
    public FileDataSync(string path)
    {
        var fullPath = Path.GetFullPath(path);
        // Opened for writing only because a flush to disk needs a writable handle; nothing is ever written here.
        _file = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        // The file may be new: make its directory entry durable too.
        SyncDirectory(Path.GetDirectoryName(fullPath)!);
    }

    /// <summary>Returns once everything written to the file before the call is on disk.</summary>
    public void Flush()
    {
        if (!OperatingSystem.IsLinux())
        {
            _file.Flush(flushToDisk: true);
            return;
        }
        var added = false;
        var handle = _file.SafeFileHandle;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Fdatasync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"Cannot sync '{_file.Name}' (errno {Marshal.GetLastPInvokeError()}).");
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

    public void Dispose() => _file.Dispose();

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
