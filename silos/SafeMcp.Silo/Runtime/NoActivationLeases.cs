namespace SafeMcp.Silo.Runtime;

/// <summary>One silo, embedded storage: nobody else can activate a grain, so no lease is needed (epoch 0).</summary>
internal sealed class NoActivationLeases : IActivationLeases
{
    public void ThrowIfFenced()
    {
    }

    public Task<long> AcquireAsync(GrainKey key, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task ReleaseAsync(GrainKey key, long epoch) => Task.CompletedTask;
}
