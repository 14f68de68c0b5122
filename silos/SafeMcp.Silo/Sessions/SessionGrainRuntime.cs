using Microsoft.Extensions.Options;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Runtime;

namespace SafeMcp.Silo.Sessions;

/// <summary>Session grains on this silo: the directory of activations, bound to storage and the decision pipeline.</summary>
internal sealed class SessionGrainRuntime
{
    private readonly IActivationLeases _leases;

    public SessionGrainRuntime(ISessionStore store, DecisionPipeline pipeline, IOptions<SessionGrainOptions> options, TimeProvider time,
        IActivationLeases? leases = null, IGrainPlacement? placement = null)
    {
        // Defaults: one silo, embedded storage (no leases, everything placed here).
        leases ??= new NoActivationLeases();
        placement ??= new SingleSiloPlacement();
        _leases = leases;
        Directory = new ActivationDirectory<SessionGrain>(
            async (key, ct) =>
            {
                // The lease first, then the state: any write of a previous owner after this point is stale.
                var epoch = await leases.AcquireAsync(key, ct).ConfigureAwait(false);
                var grain = await SessionGrain.ActivateAsync(key.TenantId, key.Key, store, pipeline, options.Value, time, ct).ConfigureAwait(false);
                grain.Epoch = epoch;
                return grain;
            },
            // A session placed elsewhere now (the active set changed) leaves after its turn, releasing its lease.
            keepAfterTurn: grain => grain.State.IsOpen && placement.IsLocal(new GrainKey(grain.State.TenantId, grain.State.SessionId)),
            keepAfterError: error => error is SessionRequestException,
            deactivate: grain => leases.ReleaseAsync(new GrainKey(grain.State.TenantId, grain.State.SessionId), grain.Epoch),
            time);
    }

    public ActivationDirectory<SessionGrain> Directory { get; }

    /// <summary>Runs one turn on the session grain of (<paramref name="tenantId"/>, <paramref name="sessionId"/>).</summary>
    public Task<T> InvokeAsync<T>(string tenantId, string sessionId, Func<SessionGrain, Task<T>> turn, CancellationToken cancellationToken)
    {
        SessionGrain.ValidateSessionId(sessionId);
        _leases.ThrowIfFenced();
        return Directory.InvokeAsync(new GrainKey(tenantId, sessionId), turn, cancellationToken);
    }
}
