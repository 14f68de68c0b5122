using System.Collections.Concurrent;
using System.Diagnostics;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.Cluster.Tests;

/// <summary>
/// Sessions deciding calls one after another until stopped, recording every decision the cluster
/// acknowledged (a sequence number from a silo) with the time it arrived, and every fail-closed answer.
/// </summary>
public sealed class DecisionLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public DecisionLoad(SafeMcpClient client, IReadOnlyList<string> sessions)
    {
        Sessions = sessions;
        foreach (var session in sessions)
        {
            Acknowledged[session] = new ConcurrentQueue<(long, TimeSpan)>();
        }
        _workers = sessions.Select(session => Task.Run(() => RunAsync(client, session))).ToArray();
    }

    public IReadOnlyList<string> Sessions { get; }

    /// <summary>Acknowledged decisions per session: (sequence, time since the load started).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<(long Sequence, TimeSpan At)>> Acknowledged { get; } = new();

    /// <summary>Decisions the client made itself because the cluster could not answer (fail closed).</summary>
    public int FailedClosed => _failedClosed;

    /// <summary>Time since the load started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    private int _failedClosed;

    /// <summary>Waits until every session in <paramref name="sessions"/> has an acknowledgement after <paramref name="after"/>.</summary>
    public async Task WaitForAcknowledgementsAsync(IEnumerable<string> sessions, TimeSpan after, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        var list = sessions.ToArray();
        while (!list.All(s => Acknowledged[s].Any(a => a.At > after)))
        {
            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"Sessions without an acknowledged decision after {after}: {string.Join(", ", list.Where(s => !Acknowledged[s].Any(a => a.At > after)))}");
            }
            await Task.Delay(50);
        }
    }

    private async Task RunAsync(SafeMcpClient client, string session)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var decision = await client.DecideAsync(session, new DecideRequest("read_notes"), _stop.Token);
                if (decision.DecidedBy.Contains(SafeMcpClient.UnavailableLayer))
                {
                    Interlocked.Increment(ref _failedClosed);
                }
                else
                {
                    Acknowledged[session].Enqueue((decision.Sequence, _clock.Elapsed));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (SafeMcpException)
            {
                Interlocked.Increment(ref _failedClosed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }
}
