namespace SafeMcp.Silo.Inference;

/// <summary>Tunables of the silo's world-model inference service.</summary>
public sealed class InferenceOptions
{
    /// <summary>Most checks in one forward pass (B). Default 64.</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>
    /// Longest a batch waits for more checks once its first has arrived (T), in microseconds. Default 50:
    /// under load batches fill faster than this; when idle a lone check pays at most this much.
    /// </summary>
    public int MaxDelayMicroseconds { get; set; } = 50;

    /// <summary>Checks that may wait for the worker; beyond it callers are held back (backpressure). Default 1024.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Longest a caller is held back by a full queue before the check fails closed, in milliseconds. Default 2000.</summary>
    public int QueueWaitMilliseconds { get; set; } = 2000;
}
