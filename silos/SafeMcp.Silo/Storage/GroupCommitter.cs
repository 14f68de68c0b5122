using System.Threading.Channels;

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
/// <typeparam name="TWrite">The unit a caller commits.</typeparam>
internal sealed class GroupCommitter<TWrite> : IAsyncDisposable
{
    /// <summary>Commits a batch in one transaction; returns null for each write that committed, or the exception that refused it.</summary>
    public delegate Task<Exception?[]> CommitBatch(IReadOnlyList<TWrite> batch, CancellationToken cancellationToken);

    /// <summary>Makes every transaction committed so far durable (for example, syncs the write-ahead log to disk).</summary>
    public delegate Task FlushCommitted(CancellationToken cancellationToken);

    private readonly Channel<Pending> _queue;
    private readonly CommitBatch _commit;
    private readonly FlushCommitted? _flush;
    private readonly Channel<CommittedBatch>? _committed;
    private readonly Task _flushLoop = Task.CompletedTask;
    private readonly int _minBatchWhileSyncing;
    private readonly SemaphoreSlim? _slots;
    private int _syncing;
    private TaskCompletionSource? _wake;
    private long _batches;
    private long _writes;
    private readonly int _maxBatch;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

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
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        if (flush is not null)
        {
            // Unbounded: it never holds more than the batches committed during one sync.
            _committed = Channel.CreateUnbounded<CommittedBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            _flushLoop = Task.Run(FlushLoopAsync);
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches committed (and made durable) so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Writes committed (and made durable) so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Queues <paramref name="write"/> and completes once its batch is committed (or throws why not).</summary>
    public async Task CommitAsync(TWrite write, CancellationToken cancellationToken)
    {
        var pending = new Pending(write);
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        if (_committed is not null && _queue.Reader.Count >= _minBatchWhileSyncing)
        {
            Volatile.Read(ref _wake)?.TrySetResult();
        }
        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var inFlight = new List<Task>();
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (_committed is not null)
                {
                    await WhileSyncingWaitForBatchAsync(reader).ConfigureAwait(false);
                }
                if (_slots is not null)
                {
                    // Take a batch only once a transaction slot is free, so the batch holds everything queued until then.
                    await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                }
                var batch = new List<Pending>(Math.Min(_maxBatch, reader.Count));
                while (batch.Count < _maxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }
                if (batch.Count == 0)
                {
                    _slots?.Release();
                    continue;
                }
                if (_slots is null)
                {
                    await CommitBatchAsync(batch).ConfigureAwait(false);
                    continue;
                }
                inFlight.RemoveAll(task => task.IsCompleted);
                inFlight.Add(Task.Run(async () =>
                {
                    try
                    {
                        await CommitBatchAsync(batch).ConfigureAwait(false);
                    }
                    finally
                    {
                        _slots.Release();
                    }
                }));
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
            while (reader.TryRead(out var pending))
            {
                pending.Completion.TrySetException(new StorageUnavailableException("The silo is stopping.", null));
            }
            _committed?.Writer.TryComplete();
        }
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

    /// <summary>
    /// While a sync runs, the next transaction waits for <see cref="GroupCommitOptions.MinBatchWhileSyncing"/> writes or
    /// for the sync to end, whichever comes first: a transaction rewrites whole pages, so tiny ones cost more per write,
    /// and the writes can't be acknowledged before the next sync anyway.
    /// </summary>
    private async Task WhileSyncingWaitForBatchAsync(ChannelReader<Pending> reader)
    {
        while (!_stopping.IsCancellationRequested)
        {
            // Published before the check, so a wake-up between the check and the wait is not lost.
            var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _wake, wake);
            if (Volatile.Read(ref _syncing) == 0 || reader.Count >= _minBatchWhileSyncing)
            {
                return;
            }
            await wake.Task.ConfigureAwait(false);
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

    /// <summary>A batch's transaction committed: acknowledge it now, or hand it to the flush stage.</summary>
    private void Committed(IReadOnlyList<Pending> batch, Exception?[] results)
    {
        if (_committed is null)
        {
            Complete(batch, results);
            return;
        }
        _committed.Writer.TryWrite(new CommittedBatch(batch.ToArray(), results));
    }

    private async Task FlushLoopAsync()
    {
        var reader = _committed!.Reader;
        var ready = new List<CommittedBatch>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Volatile.Write(ref _syncing, 1);
            ready.Clear();
            while (reader.TryRead(out var committed))
            {
                ready.Add(committed);
            }
            Exception? failed = null;
            try
            {
                await _flush!(CancellationToken.None).ConfigureAwait(false);
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
            if (!reader.TryPeek(out _))
            {
                Volatile.Write(ref _syncing, 0);
                Volatile.Read(ref _wake)?.TrySetResult();
            }
        }
    }

    private void Complete(IReadOnlyList<Pending> batch, Exception?[] results)
    {
        Interlocked.Increment(ref _batches);
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
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        _committed?.Writer.TryComplete();
        await _flushLoop.ConfigureAwait(false);
        _stopping.Dispose();
        _slots?.Dispose();
    }

    private sealed record CommittedBatch(Pending[] Batch, Exception?[] Results);

    private sealed class Pending(TWrite write)
    {
        public TWrite Write { get; } = write;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
