using Microsoft.Extensions.Options;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Runtime;

namespace SafeMcp.Silo.Sessions;

/// <summary>Session grains on this silo: the directory of activations, bound to storage and the decision pipeline.</summary>
internal sealed class SessionGrainRuntime
{
    public SessionGrainRuntime(ISessionStore store, DecisionPipeline pipeline, IOptions<SessionGrainOptions> options, TimeProvider time)
    {
        Directory = new ActivationDirectory<SessionGrain>(
            (key, ct) => SessionGrain.ActivateAsync(key.TenantId, key.Key, store, pipeline, options.Value, time, ct),
            keepAfterTurn: grain => grain.State.IsOpen,
            keepAfterError: error => error is SessionRequestException,
            deactivate: null,
            time);
    }

    public ActivationDirectory<SessionGrain> Directory { get; }

    /// <summary>Runs one turn on the session grain of (<paramref name="tenantId"/>, <paramref name="sessionId"/>).</summary>
    public Task<T> InvokeAsync<T>(string tenantId, string sessionId, Func<SessionGrain, Task<T>> turn, CancellationToken cancellationToken)
    {
        SessionGrain.ValidateSessionId(sessionId);
        return Directory.InvokeAsync(new GrainKey(tenantId, sessionId), turn, cancellationToken);
    }
}
