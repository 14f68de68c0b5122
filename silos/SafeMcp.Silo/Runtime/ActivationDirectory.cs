using System.Collections.Concurrent;

namespace SafeMcp.Silo.Runtime;

/// <summary>
/// The silo's activations of one grain type: at most one a key, activated on first use, one turn at a
/// time, deactivated when idle or when a turn fails in a way that may leave memory and storage apart.
/// </summary>
internal sealed class ActivationDirectory<TGrain> where TGrain : class
{
    private readonly ConcurrentDictionary<GrainKey, GrainActivation<TGrain>> _activations = new();
    private readonly Func<GrainKey, CancellationToken, Task<TGrain>> _activate;
    private readonly Func<TGrain, bool> _keepAfterTurn;
    private readonly Func<Exception, bool> _keepAfterError;
    private readonly Func<TGrain, Task>? _deactivate;
    private readonly TimeProvider _time;

    /// <param name="activate">Loads a grain's state and returns the grain.</param>
    /// <param name="keepAfterTurn">False drops the activation after a turn (for example: nothing was created).</param>
    /// <param name="keepAfterError">True when an error leaves the grain consistent (a refused request).</param>
    /// <param name="deactivate">Called when an activation leaves (release its lease), may be null.</param>
    /// <param name="time">Clock for idleness.</param>
    public ActivationDirectory(
        Func<GrainKey, CancellationToken, Task<TGrain>> activate,
        Func<TGrain, bool> keepAfterTurn,
        Func<Exception, bool> keepAfterError,
        Func<TGrain, Task>? deactivate,
        TimeProvider time)
    {
        _activate = activate;
        _keepAfterTurn = keepAfterTurn;
        _keepAfterError = keepAfterError;
        _deactivate = deactivate;
        _time = time;
    }

    /// <summary>Number of live activations.</summary>
    public int Count => _activations.Count;

    /// <summary>Runs one turn on the grain of <paramref name="key"/>.</summary>
    public async Task<TResult> InvokeAsync<TResult>(GrainKey key, Func<TGrain, Task<TResult>> turn, CancellationToken cancellationToken)
    {
        while (true)
        {
            var activation = _activations.GetOrAdd(key, static k => new GrainActivation<TGrain>(k));
            await activation.EnterAsync(cancellationToken).ConfigureAwait(false);
            if (activation.IsDeactivated)
            {
                // Lost the race with deactivation: the next GetOrAdd makes a fresh activation.
                activation.Exit();
                continue;
            }

            var keep = true;
            try
            {
                activation.Grain ??= await _activate(key, cancellationToken).ConfigureAwait(false);
                var result = await turn(activation.Grain).ConfigureAwait(false);
                keep = _keepAfterTurn(activation.Grain);
                return result;
            }
            catch (Exception error)
            {
                keep = activation.Grain is not null && _keepAfterError(error) && _keepAfterTurn(activation.Grain);
                throw;
            }
            finally
            {
                activation.LastUsedTimestamp = _time.GetTimestamp();
                if (!keep)
                {
                    await RemoveAsync(activation).ConfigureAwait(false);
                }
                activation.Exit();
            }
        }
    }

    /// <summary>Deactivates every activation idle longer than <paramref name="idleTimeout"/>. Returns how many.</summary>
    public Task<int> DeactivateIdleAsync(TimeSpan idleTimeout) =>
        DeactivateWhereAsync(activation => _time.GetElapsedTime(activation.LastUsedTimestamp) >= idleTimeout);

    /// <summary>Deactivates the (not busy) activations whose key matches <paramref name="predicate"/>, e.g. keys placed elsewhere now. Returns how many.</summary>
    public Task<int> DeactivateKeysAsync(Func<GrainKey, bool> predicate) =>
        DeactivateWhereAsync(activation => predicate(activation.Key));

    private async Task<int> DeactivateWhereAsync(Func<GrainActivation<TGrain>, bool> predicate)
    {
        var removed = 0;
        foreach (var activation in _activations.Values)
        {
            if (!predicate(activation) || !activation.TryEnter())
            {
                continue;
            }
            try
            {
                if (!activation.IsDeactivated && predicate(activation))
                {
                    await RemoveAsync(activation).ConfigureAwait(false);
                    removed++;
                }
            }
            finally
            {
                activation.Exit();
            }
        }
        return removed;
    }

    /// <summary>Deactivates every activation (silo shutdown).</summary>
    public Task<int> DeactivateAllAsync() => DeactivateIdleAsync(TimeSpan.Zero);

    private async Task RemoveAsync(GrainActivation<TGrain> activation)
    {
        activation.IsDeactivated = true;
        _activations.TryRemove(new KeyValuePair<GrainKey, GrainActivation<TGrain>>(activation.Key, activation));
        if (activation.Grain is { } grain && _deactivate is not null)
        {
            try
            {
                await _deactivate(grain).ConfigureAwait(false);
            }
            catch
            {
                // Deactivation is best effort: a lease that is not released expires on its own.
            }
        }
    }
}
