using System.Diagnostics;
using SafeMcp.Silo.Diagnostics;

namespace SafeMcp.Silo.Storage;

/// <summary>
/// Group commit: writes from many grains queue here; one loop commits everything queued in one
/// transaction and then completes each writer. While a transaction is in flight the next batch forms,
/// so the batch grows with load and durability costs one sync a batch, not one a write.
/// With a <see cref="FlushCommitted"/> stage (a store whose commit is visible before it is durable, such as
/// SQLite's WAL without a sync per commit), committing and syncing overlap: while one sync runs, the next
/// batches commit, and the next sync makes all of them durable at once. A writer is acknowledged only after
/// a sync that started after its batch committed.
/// </summary>
/// <remarks>
/// The commit loop and the sync loop run on threads of their own, not on the thread pool: a write wakes the
/// commit loop, and a commit the sync loop, directly, instead of queueing a wake-up behind the requests that fill the
/// pool's queue under load, and the blocking commits and syncs of an embedded store never hold a pool thread.
/// </remarks>
/// <typeparam name="TWrite">The unit a caller commits.</typeparam>
internal sealed class GroupCommitter<TWrite> : IAsyncDisposable
{
    /// <summary>Commits a batch in one transaction; returns null for each write that committed, or the exception that refused it.</summary>
    public delegate Task<Exception?[]> CommitBatch(IReadOnlyList<TWrite> batch, CancellationToken cancellationToken);

    /// <summary>Makes every transaction committed so far durable (for example, syncs the write-ahead log to disk).</summary>
    public delegate Task FlushCommitted(CancellationToken cancellationToken);

    private readonly CommitBatch _commit;
    private readonly FlushCommitted? _flush;
    private readonly int _maxBatch;
    private readonly int _minBatchWhileSyncing;
    private readonly SemaphoreSlim _room;
    private readonly SemaphoreSlim? _slots;
    private readonly CancellationTokenSource _stopping = new();

    // Writes waiting for a transaction, and the commit loop's wait; guarded by _queueGate.
    private readonly object _queueGate = new();
    private List<Pending> _queued = [];
    private bool _queueClosed;
    private bool _commitLoopWaiting;
    private bool _syncing;

    // Batches committed and waiting for a sync; guarded by _syncGate.
    private readonly object _syncGate = new();
    private List<CommittedBatch> _unsynced = [];
    private bool _syncClosed;

    private readonly List<Task> _inFlight = [];
    private readonly Thread _commitThread;
    private readonly Thread? _syncThread;
    private readonly TaskCompletionSource _commitLoopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _syncLoopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _batches;
    private long _writes;

    /// <param name="commit">Commits one batch in one transaction.</param>
    /// <param name="options">Batch sizes and queue bounds.</param>
    /// <param name="flush">Makes committed batches durable, for stores whose commit does not; null when it does.</param>
    /// <param name="transactionsInFlight">
    /// Batches committed at once, each in its own transaction (a store with one writer connection says 1). A session has
    /// at most one write queued (its grain waits for the commit), so concurrent batches never hold two writes of one session.
    /// </param>
    public GroupCommitter(CommitBatch commit, GroupCommitOptions options, FlushCommitted? flush = null, int transactionsInFlight = 1)
    {
        if (transactionsInFlight > 1 && flush is not null)
        {
            throw new ArgumentException("A store that syncs after commit has one writer: one transaction in flight.", nameof(transactionsInFlight));
        }
        _slots = transactionsInFlight > 1 ? new SemaphoreSlim(transactionsInFlight) : null;
        _commit = commit;
        _flush = flush;
        _maxBatch = options.MaxBatch;
        _minBatchWhileSyncing = Math.Clamp(options.MinBatchWhileSyncing, 1, options.MaxBatch);
        _room = new SemaphoreSlim(options.QueueCapacity, options.QueueCapacity);
        _commitThread = new Thread(CommitLoop) { IsBackground = true, Name = "group commit" };
        _commitThread.Start();
        if (flush is null)
        {
            _syncLoopEnded.SetResult();
        }
        else
        {
            _syncThread = new Thread(SyncLoop) { IsBackground = true, Name = "group commit sync" };
            _syncThread.Start();
        }
    }

    /// <summary>Batches committed (and made durable) so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Writes committed (and made durable) so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>How long each acknowledged write took, from <see cref="CommitAsync"/> to its acknowledgement (room, batch, commit and sync).</summary>
    public DurationHistogram CommitWait { get; } = new();

    /// <summary>How long each sync of the flush stage took (empty without one).</summary>
    public DurationHistogram LogSync { get; } = new();

    /// <summary>Queues <paramref name="write"/> and completes once its batch is committed (or throws why not).</summary>
    public async Task CommitAsync(TWrite write, CancellationToken cancellationToken)
    {
        var handedOver = Stopwatch.GetTimestamp();
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        var pending = new Pending(write);
        lock (_queueGate)
        {
            if (_queueClosed)
            {
                _room.Release();
                throw new StorageUnavailableException("The silo is stopping.", null);
            }
            _queued.Add(pending);
            if (_commitLoopWaiting && CanTakeBatch())
            {
                Monitor.Pulse(_queueGate);
            }
        }
        await pending.Completion.Task.ConfigureAwait(false);
        CommitWait.RecordSince(handedOver);
        SiloDiagnostics.RecordCommitWait(handedOver);
    }

    /// <summary>
    /// Under <see cref="_queueGate"/>: whether the commit loop may take a batch now. While a sync runs, the next transaction
    /// waits for <see cref="GroupCommitOptions.MinBatchWhileSyncing"/> writes or for the sync to end, whichever comes first:
    /// a transaction rewrites whole pages, so tiny ones cost more per write, and the writes can't be acknowledged before the
    /// next sync anyway.
    /// </summary>
    private bool CanTakeBatch() =>
        _queued.Count > 0 && (!_syncing || _queued.Count >= _minBatchWhileSyncing || _queueClosed);

    private void CommitLoop()
    {
        try
        {
            while (true)
            {
                // Take a batch only once a transaction slot is free, so the batch holds everything queued until then.
                _slots?.Wait(_stopping.Token);
                var batch = TakeBatch();
                if (batch is null)
                {
                    _slots?.Release();
                    break;
                }
                if (_slots is null)
                {
                    CommitBatchAsync(batch).GetAwaiter().GetResult();
                    continue;
                }
                _inFlight.RemoveAll(task => task.IsCompleted);
                _inFlight.Add(CommitInSlotAsync(batch));
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Task.WhenAll(_inFlight).ContinueWith(_ => EndCommitLoop(), TaskScheduler.Default);
        }
    }

    /// <summary>Waits for a batch the loop may take; null once the queue is closed and empty.</summary>
    private List<Pending>? TakeBatch()
    {
        List<Pending> taken;
        lock (_queueGate)
        {
            while (!CanTakeBatch())
            {
                if (_queueClosed && _queued.Count == 0)
                {
                    return null;
                }
                _commitLoopWaiting = true;
                Monitor.Wait(_queueGate);
                _commitLoopWaiting = false;
            }
            if (_queued.Count <= _maxBatch)
            {
                taken = _queued;
                _queued = [];
            }
            else
            {
                taken = _queued.GetRange(0, _maxBatch);
                _queued.RemoveRange(0, _maxBatch);
            }
        }
        _room.Release(taken.Count);
        return taken;
    }

    private async Task CommitInSlotAsync(List<Pending> batch)
    {
        try
        {
            await Task.Yield();
            await CommitBatchAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            _slots!.Release();
        }
    }

    private void EndCommitLoop()
    {
        List<Pending> left;
        lock (_queueGate)
        {
            _queueClosed = true;
            left = _queued;
            _queued = [];
        }
        foreach (var pending in left)
        {
            pending.Completion.TrySetException(new StorageUnavailableException("The silo is stopping.", null));
        }
        lock (_syncGate)
        {
            _syncClosed = true;
            Monitor.Pulse(_syncGate);
        }
        _commitLoopEnded.TrySetResult();
    }

    private async Task CommitBatchAsync(List<Pending> batch)
    {
        try
        {
            Committed(batch, await _commit(batch.ConvertAll(pending => pending.Write), _stopping.Token).ConfigureAwait(false));
        }
        catch (Exception) when (batch.Count > 1)
        {
            // The transaction failed as a whole and was rolled back. One bad write must not sink the
            // others: commit each alone, so only the writes that fail on their own are refused.
            foreach (var pending in batch)
            {
                await CommitAloneAsync(pending).ConfigureAwait(false);
            }
        }
        catch (Exception error)
        {
            Fail(batch[0], error);
        }
    }

    private async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            Committed([pending], await _commit([pending.Write], _stopping.Token).ConfigureAwait(false));
        }
        catch (Exception error)
        {
            Fail(pending, error);
        }
    }

    /// <summary>A batch's transaction committed: acknowledge it now, or hand it to the sync loop.</summary>
    private void Committed(List<Pending> batch, Exception?[] results)
    {
        if (_flush is null)
        {
            Complete(batch, results);
            return;
        }
        lock (_syncGate)
        {
            _unsynced.Add(new CommittedBatch(batch, results));
            Monitor.Pulse(_syncGate);
        }
    }

    private void SyncLoop()
    {
        var ready = new List<CommittedBatch>();
        try
        {
            while (true)
            {
                lock (_syncGate)
                {
                    while (_unsynced.Count == 0 && !_syncClosed)
                    {
                        Monitor.Wait(_syncGate);
                    }
                    if (_unsynced.Count == 0)
                    {
                        return;
                    }
                    (ready, _unsynced) = (_unsynced, ready);
                }
                lock (_queueGate)
                {
                    _syncing = true;
                }
                Exception? failed = null;
                try
                {
                    var syncStarted = Stopwatch.GetTimestamp();
                    _flush!(CancellationToken.None).GetAwaiter().GetResult();
                    LogSync.RecordSince(syncStarted);
                }
                catch (Exception error)
                {
                    failed = error;
                }
                foreach (var committed in ready)
                {
                    if (failed is null)
                    {
                        Complete(committed.Batch, committed.Results);
                        continue;
                    }
                    // Committed but possibly not on disk: never acknowledge what a crash could lose.
                    foreach (var pending in committed.Batch)
                    {
                        pending.Completion.TrySetException(new StorageUnavailableException("The storage could not make the write durable; nothing was acknowledged.", failed));
                    }
                }
                ready.Clear();
                bool more;
                lock (_syncGate)
                {
                    more = _unsynced.Count > 0;
                }
                if (!more)
                {
                    lock (_queueGate)
                    {
                        _syncing = false;
                        if (_commitLoopWaiting && CanTakeBatch())
                        {
                            Monitor.Pulse(_queueGate);
                        }
                    }
                }
            }
        }
        finally
        {
            _syncLoopEnded.TrySetResult();
        }
    }

    private void Complete(List<Pending> batch, Exception?[] results)
    {
        Interlocked.Increment(ref _batches);
        SiloDiagnostics.RecordBatch(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is { } refused)
            {
                batch[i].Completion.TrySetException(refused);
            }
            else
            {
                Interlocked.Increment(ref _writes);
                batch[i].Completion.TrySetResult();
            }
        }
    }

    private static void Fail(Pending pending, Exception error) =>
        pending.Completion.TrySetException(new StorageUnavailableException("The storage could not commit the write; nothing was acknowledged.", error));

    public async ValueTask DisposeAsync()
    {
        lock (_queueGate)
        {
            _queueClosed = true;
            Monitor.PulseAll(_queueGate);
        }
        try
        {
            await _commitLoopEnded.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _commitLoopEnded.Task.ConfigureAwait(false);
        }
        await _syncLoopEnded.Task.ConfigureAwait(false);
        _stopping.Dispose();
        _slots?.Dispose();
        _room.Dispose();
    }

    private sealed record CommittedBatch(List<Pending> Batch, Exception?[] Results);

    private sealed class Pending(TWrite write)
    {
        public TWrite Write { get; } = write;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
