using SafeMcp.Silo.Membership;
using SafeMcp.Silo.Sessions;

namespace SafeMcp.Silo.Placement;

/// <summary>
/// Keeps activations where placement puts them: when the active set changes, activations of sessions now
/// placed on another silo are deactivated (their leases released, so the new owner takes them at once);
/// when this silo is declared dead, every activation drops.
/// </summary>
internal sealed class ActivationRebalancer(SiloMembership membership, SessionPlacement placement, SessionGrainRuntime runtime, ILogger<ActivationRebalancer> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        membership.Changed += OnChanged;
        membership.Fenced += OnFencedAsync;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        membership.Changed -= OnChanged;
        membership.Fenced -= OnFencedAsync;
        return Task.CompletedTask;
    }

    private void OnChanged(MembershipView view) =>
        _ = Task.Run(async () =>
        {
            var moved = await runtime.Directory.DeactivateKeysAsync(key => !placement.IsLocal(key.TenantId, key.Key)).ConfigureAwait(false);
            if (moved > 0)
            {
                log.LogInformation("Membership version {Version}: {Count} sessions placed elsewhere now, deactivated.", view.Version, moved);
            }
        });

    private Task OnFencedAsync() => runtime.Directory.DeactivateAllAsync();
}
