using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Inference;
using SafeMcp.WorldModel.Network;
using SafeMcp.Silo.Diagnostics;

namespace SafeMcp.Silo.Inference;

/// <summary>
/// The silo's inference grain for one tier of the world model: one worker owns the model and serves every session grain of the silo.
/// Checks queue in a bounded channel; the worker takes what is queued, waits at most T µs for the batch to
/// reach B checks, runs one forward pass and completes every caller. A full queue holds callers back
/// (backpressure) and, past the wait, the check fails closed. Session grains never run the network.
/// </summary>
internal sealed class BatchingInferenceService : IWorldModelService, IAsyncDisposable
{
    private readonly IWorldModel _model;
    private readonly InferenceOptions _options;
    private readonly Channel<PendingCheck> _queue;
    private readonly Thread _worker;
    private long _batches;
    private long _checks;

    public BatchingInferenceService(IWorldModel model, IOptions<InferenceOptions> options)
    {
        _model = model;
        _options = options.Value;
        if (_options.MaxBatch < 1 || _options.QueueCapacity < 1 || _options.MaxDelayMicroseconds < 0)
        {
            throw new ArgumentException("InferenceOptions: MaxBatch and QueueCapacity must be at least 1, MaxDelayMicroseconds not negative.");
        }
        _queue = Channel.CreateBounded<PendingCheck>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        // A dedicated thread: the worker must not wait behind request handlers in the thread pool's queue.
        _worker = new Thread(Run) { IsBackground = true, Name = "world-model-inference" };
        _worker.Start();
    }

    /// <summary>Forward passes run so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Checks answered so far.</summary>
    public long Checks => Interlocked.Read(ref _checks);

    /// <inheritdoc />
    public async ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken)
    {
        var pending = new PendingCheck(input);
        if (!_queue.Writer.TryWrite(pending))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(_options.QueueWaitMilliseconds);
            try
            {
                await _queue.Writer.WriteAsync(pending, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new WorldModelUnavailableException($"inference saturated: {_options.QueueCapacity} checks queued for over {_options.QueueWaitMilliseconds} ms");
            }
            catch (ChannelClosedException)
            {
                throw new WorldModelUnavailableException("inference service stopped");
            }
        }
        return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingCheck>(_options.MaxBatch);
        var inputs = new List<WorldModelInput>(_options.MaxBatch);
        var maxDelayTicks = _options.MaxDelayMicroseconds * Stopwatch.Frequency / 1_000_000;
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                // Idle: block until a check arrives (or the channel completes).
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
                continue;
            }
            batch.Add(first);
            var deadline = Stopwatch.GetTimestamp() + maxDelayTicks;
            var spinner = new SpinWait();
            while (batch.Count < _options.MaxBatch)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                }
                else if (Stopwatch.GetTimestamp() < deadline)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
                else
                {
                    break;
                }
            }
            Execute(batch, inputs);
            batch.Clear();
            inputs.Clear();
        }
    }

    private void Execute(List<PendingCheck> batch, List<WorldModelInput> inputs)
    {
        foreach (var pending in batch)
        {
            inputs.Add(pending.Input);
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcomes = _model.Check(inputs);
            SiloDiagnostics.RecordInference(batch.Count, started);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].TrySetResult(outcomes[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.TrySetException(new WorldModelUnavailableException("inference failed: " + e.Message));
            }
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _checks, batch.Count);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _worker.Join(TimeSpan.FromSeconds(5));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A queued check and its completion in one object (one allocation less per check). Callers continue on the
    /// thread pool, never on the worker: the worker goes straight to the next batch.
    /// </summary>
    private sealed class PendingCheck(WorldModelInput input) : TaskCompletionSource<CheckOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public WorldModelInput Input { get; } = input;
    }
}
