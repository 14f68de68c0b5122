using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;

namespace SafeMcp.Silo.Tests;

public sealed class GrainTurnTests
{
    [Fact]
    public async Task Concurrent_calls_on_one_session_get_contiguous_sequence_numbers_and_no_lost_update()
    {
        var overlap = new OverlapDetector();
        await using var fixture = new SessionRuntimeFixture(overlap);
        await fixture.OpenAsync("s-1");

        const int calls = 200;
        var decisions = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => Task.Run(() => fixture.DecideAsync("s-1"))));

        Assert.Equal(Enumerable.Range(1, calls).Select(i => (long)i), decisions.Select(d => d.Sequence).Order());
        Assert.Equal(1, overlap.MaxConcurrentTurns("s-1"));
        var stored = await fixture.Storage.LoadAsync(SessionRuntimeFixture.Tenant, "s-1", 8, CancellationToken.None);
        Assert.Equal(calls + 1, stored!.Version); // the open and every decision, none lost
        var audit = await fixture.Storage.ReadDecisionsAsync(SessionRuntimeFixture.Tenant, "s-1", 0, 1000, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, calls).Select(i => (long)i), audit.Select(d => d.Sequence));
    }

    [Fact]
    public async Task Different_sessions_run_their_turns_in_parallel()
    {
        // Each turn waits at a barrier for the other session's turn: only parallel turns can pass it.
        var barrier = new BarrierDetector(participants: 2);
        await using var fixture = new SessionRuntimeFixture(barrier);
        await fixture.OpenAsync("s-a");
        await fixture.OpenAsync("s-b");
        barrier.Armed = true;

        var both = Task.WhenAll(fixture.DecideAsync("s-a"), fixture.DecideAsync("s-b"));
        var finished = await Task.WhenAny(both, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(both, finished);
        Assert.All(await both, d => Assert.Equal(1, d.Sequence));
    }

    [Fact]
    public async Task A_refused_request_keeps_the_activation_and_changes_nothing()
    {
        await using var fixture = new SessionRuntimeFixture();
        await fixture.OpenAsync("s-1");
        await fixture.DecideAsync("s-1");

        var error = await Assert.ThrowsAsync<SafeMcp.Grains.Sessions.SessionRequestException>(() =>
            fixture.Runtime.InvokeAsync(SessionRuntimeFixture.Tenant, "s-1", g => g.ReportOutcomeAsync(new OutcomeReport(99, false, "x", 1), CancellationToken.None), CancellationToken.None));

        Assert.Equal("unknown_sequence", error.Code);
        Assert.Equal(1, fixture.Runtime.Directory.Count);
        var stored = await fixture.Storage.LoadAsync(SessionRuntimeFixture.Tenant, "s-1", 8, CancellationToken.None);
        Assert.Equal(2, stored!.Version);
    }

    [Fact]
    public async Task Asking_for_an_unknown_session_leaves_no_activation_behind()
    {
        await using var fixture = new SessionRuntimeFixture();

        var error = await Assert.ThrowsAsync<SafeMcp.Grains.Sessions.SessionRequestException>(() => fixture.DecideAsync("never-opened"));

        Assert.Equal("unknown_session", error.Code);
        Assert.Equal(0, fixture.Runtime.Directory.Count);
        Assert.Null(await fixture.Storage.LoadAsync(SessionRuntimeFixture.Tenant, "never-opened", 8, CancellationToken.None));
    }

    [Fact]
    public async Task Idle_activations_are_deactivated_and_reactivate_from_storage()
    {
        await using var fixture = new SessionRuntimeFixture();
        await fixture.OpenAsync("s-1");
        await fixture.DecideAsync("s-1");

        var removed = await fixture.Runtime.Directory.DeactivateIdleAsync(TimeSpan.Zero);
        var next = await fixture.DecideAsync("s-1");

        Assert.Equal(1, removed);
        Assert.Equal(2, next.Sequence);
    }

    private sealed class OverlapDetector : ICallDetector
    {
        private readonly Dictionary<string, (int Now, int Max)> _turns = [];

        public int MaxConcurrentTurns(string session)
        {
            lock (_turns)
            {
                return _turns[session].Max;
            }
        }

        public async ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
        {
            var id = call.Session.SessionId;
            lock (_turns)
            {
                var (now, max) = _turns.GetValueOrDefault(id);
                _turns[id] = (now + 1, Math.Max(max, now + 1));
            }
            await Task.Yield(); // give an interleaving turn every chance to enter
            lock (_turns)
            {
                var (now, max) = _turns[id];
                _turns[id] = (now - 1, max);
            }
        }
    }

    private sealed class BarrierDetector(int participants) : ICallDetector
    {
        private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public bool Armed { get; set; }

        public async ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
        {
            if (!Armed)
            {
                return;
            }
            if (Interlocked.Increment(ref _arrived) == participants)
            {
                _allArrived.SetResult();
            }
            await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
    }
}
