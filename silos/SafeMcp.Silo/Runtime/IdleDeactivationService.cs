using SafeMcp.Silo.Sessions;

using Microsoft.Extensions.Options;

namespace SafeMcp.Silo.Runtime;

/// <summary>Deactivates idle session activations on a timer; deactivates all at shutdown.</summary>
internal sealed class IdleDeactivationService(SessionGrainRuntime runtime, IOptions<ActivationOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.IdleScanInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await runtime.Directory.DeactivateIdleAsync(options.Value.IdleTimeout).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await runtime.Directory.DeactivateAllAsync().ConfigureAwait(false);
    }
}
