namespace SafeMcp.Silo.Runtime;

/// <summary>
/// One activation of one grain: the grain object and its mailbox. A turn holds the mailbox for its whole
/// duration, awaits included, so turns of one grain never interleave.
/// </summary>
internal sealed class GrainActivation<TGrain>(GrainKey key) where TGrain : class
{
    private readonly SemaphoreSlim _mailbox = new(1, 1);

    public GrainKey Key { get; } = key;

    /// <summary>The grain, once activated (null until the first turn loads it).</summary>
    public TGrain? Grain { get; set; }

    /// <summary>Set once the activation left the directory; a turn that finds it set must retry on a new one.</summary>
    public bool IsDeactivated { get; set; }

    /// <summary>Ticks (of the runtime's TimeProvider) when the last turn ended.</summary>
    public long LastUsedTimestamp { get; set; }

    public Task EnterAsync(CancellationToken cancellationToken) => _mailbox.WaitAsync(cancellationToken);

    public bool TryEnter() => _mailbox.Wait(0);

    public void Exit() => _mailbox.Release();
}
