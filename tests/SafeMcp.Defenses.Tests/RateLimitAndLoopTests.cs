using SafeMcp.Contracts;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.RateLimits;
using SafeMcp.Silo.Defenses;

namespace SafeMcp.Defenses.Tests;

public sealed class RateLimitAndLoopTests
{
    private static readonly ToolDescriptor s_search = Sessions.Tool("search", "Search the documents.");

    [Fact]
    public async Task Session_over_its_burst_is_denied_by_the_rate_limit_layer()
    {
        using var limits = new RateLimitDetector(new RateLimitOptions { SessionPerSecond = 1, SessionBurst = 3 });
        var grain = await Sessions.GrainAsync(Sessions.Pipeline(detectors: [limits]));
        await grain.OpenAsync(new OpenSessionRequest("s1", null, [s_search]), CancellationToken.None);

        var verdicts = new List<Verdict>();
        for (var i = 0; i < 4; i++)
        {
            verdicts.Add((await grain.DecideAsync(Sessions.Call("search", $$"""{"q":"{{i}}"}"""), CancellationToken.None)).Verdict);
        }

        Assert.Equal([Verdict.Allow, Verdict.Allow, Verdict.Allow, Verdict.Deny], verdicts);
        var last = (await grain.SnapshotAsync(3, 1, CancellationToken.None)).Decisions.Single();
        Assert.Contains(RateLimitDetector.Layer, last.DecidedBy);
        Assert.Contains(Techniques.AutonomousLoop, last.Techniques);
    }

    [Fact]
    public async Task Same_call_repeated_needs_approval_from_the_loop_threshold()
    {
        var grain = await Sessions.GrainAsync(Sessions.Pipeline(detectors: [new LoopDetector(new RateLimitOptions { LoopThreshold = 3 })]));
        await grain.OpenAsync(new OpenSessionRequest("s1", null, [s_search]), CancellationToken.None);

        var verdicts = new List<Verdict>();
        for (var i = 0; i < 4; i++)
        {
            verdicts.Add((await grain.DecideAsync(Sessions.Call("search", """{"q":"same"}"""), CancellationToken.None)).Verdict);
        }
        var different = await grain.DecideAsync(Sessions.Call("search", """{"q":"other"}"""), CancellationToken.None);

        Assert.Equal([Verdict.Allow, Verdict.Allow, Verdict.Allow, Verdict.RequireApproval], verdicts);
        Assert.Equal(Verdict.Allow, different.Verdict);
    }
}
