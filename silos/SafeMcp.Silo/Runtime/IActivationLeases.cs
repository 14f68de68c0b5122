namespace SafeMcp.Silo.Runtime;

/// <summary>
/// Activation leases (grain key → silo, epoch). An activation takes its lease before loading state and
/// writes under its epoch; a write under a stale epoch fails. Embedded storage needs none (<see cref="NoActivationLeases"/>).
/// </summary>
internal interface IActivationLeases
{
    /// <summary>Throws <see cref="SiloFencedException"/> when this silo may not decide now.</summary>
    void ThrowIfFenced();

    /// <summary>Takes the lease of <paramref name="key"/> and returns its epoch; throws <see cref="LeaseHeldException"/> when another live silo holds it.</summary>
    Task<long> AcquireAsync(GrainKey key, CancellationToken cancellationToken);

    /// <summary>Gives the lease back (best effort) so another silo may take it at once.</summary>
    Task ReleaseAsync(GrainKey key, long epoch);
}
