using System.Threading.Channels;

namespace SafeMcp.Silo.Storage;

/// <summary>
/// Group commit: writes from many grains queue here; one loop commits everything queued in one
/// transaction and then completes each writer. While a transaction is in flight the next batch forms,
/// so the batch grows with load and durability costs one sync a batch, not one a write.
/// </summary>
/// <typeparam name="TWrite">The unit a caller commits.</typeparam>
internal sealed class GroupCommitter<TWrite> : IAsyncDisposable
{
    /// <summary>Commits a batch in one transaction; returns null for each write that committed, or the exception that refused it.</summary>
    public delegate Task<Exception?[]> CommitBatch(IReadOnlyList<TWrite> batch, CancellationToken cancellationToken);

    private readonly Channel<Pending> _queue;
    private readonly CommitBatch _commit;
    private readonly int _maxBatch;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public GroupCommitter(CommitBatch commit, GroupCommitOptions options)
    {
        _commit = commit;
        _maxBatch = options.MaxBatch;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches committed so far.</summary>
    public long Batches { get; private set; }

    /// <summary>Writes committed so far.</summary>
    public long Writes { get; private set; }

    /// <summary>Queues <paramref name="write"/> and completes once its batch is committed (or throws why not).</summary>
    public async Task CommitAsync(TWrite write, CancellationToken cancellationToken)
    {
        var pending = new Pending(write);
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var writes = new List<TWrite>(_maxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                batch.Clear();
                writes.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    writes.Add(pending.Write);
                }
                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    Complete(batch, await _commit(writes, _stopping.Token).ConfigureAwait(false));
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
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            while (reader.TryRead(out var pending))
            {
                pending.Completion.TrySetException(new StorageUnavailableException("The silo is stopping.", null));
            }
        }
    }

    private async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            Complete([pending], await _commit([pending.Write], _stopping.Token).ConfigureAwait(false));
        }
        catch (Exception error)
        {
            Fail(pending, error);
        }
    }

    private void Complete(List<Pending> batch, Exception?[] results)
    {
        Batches++;
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is { } refused)
            {
                batch[i].Completion.TrySetException(refused);
            }
            else
            {
                Writes++;
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
        _stopping.Dispose();
    }

    private sealed class Pending(TWrite write)
    {
        public TWrite Write { get; } = write;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
