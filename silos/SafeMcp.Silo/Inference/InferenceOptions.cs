namespace SafeMcp.Silo.Inference;

/// <summary>Tunables of the silo's world-model inference service.</summary>
public sealed class InferenceOptions
{
    /// <summary>
    /// Most checks in one forward pass (B). Default 4. This network costs a few microseconds a check, nearly all of it
    /// per check (features, embedding sums), so a larger batch saves little compute; what it costs is that every caller
    /// of a batch waits for the whole batch, and the worker then sits idle while they all send their next checks
    /// (measurements: docs/benchmarks.md, "Inference batching").
    /// </summary>
    public int MaxBatch { get; set; } = 4;

    /// <summary>
    /// Longest a batch waits for more checks once its first has arrived (T), in microseconds. Default 0: the worker
    /// takes what is queued and goes. Under load the queue fills while a batch runs; when idle, waiting only delays a
    /// lone check (docs/benchmarks.md, "Inference batching").
    /// </summary>
    public int MaxDelayMicroseconds { get; set; }

    /// <summary>Checks that may wait for the worker; beyond it callers are held back (backpressure). Default 1024.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Longest a caller is held back by a full queue before the check fails closed, in milliseconds. Default 2000.</summary>
    public int QueueWaitMilliseconds { get; set; } = 2000;
}
