namespace SafeMcp.Silo.Inference;

/// <summary>Tunables of the silo's world-model inference service.</summary>
public sealed class InferenceOptions
{
    /// <summary>
    /// Most checks in one forward pass (B). Default 4. This network costs a few microseconds a check, nearly all of it
    /// per check (features, embedding sums), so a larger batch saves little compute; what it costs is that every caller
    /// of a batch waits for the whole batch, and the worker then sits idle while they all send their next checks.
    /// Measured with <c>safemcp bench-inference --max-batch B --max-delay 0</c>: 4 served 123,000–142,000 checks/s to 8
    /// callers against 70,000–87,000 for 8, 16 or 64, and 205,000–213,000 to 64 callers, as many as 8 or 16 and more
    /// than 1 or 64.
    /// </summary>
    public int MaxBatch { get; set; } = 4;

    /// <summary>
    /// Longest a batch waits for more checks once its first has arrived (T), in microseconds. Default 0: the worker
    /// takes what is queued and goes. Under load the queue fills while a batch runs; when idle, waiting only delays a
    /// lone check (50 µs made a lone caller's check take 128 µs at the median against 52 µs).
    /// </summary>
    public int MaxDelayMicroseconds { get; set; }

    /// <summary>Checks that may wait for the worker; beyond it callers are held back (backpressure). Default 1024.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Longest a caller is held back by a full queue before the check fails closed, in milliseconds. Default 2000.</summary>
    public int QueueWaitMilliseconds { get; set; } = 2000;
}
