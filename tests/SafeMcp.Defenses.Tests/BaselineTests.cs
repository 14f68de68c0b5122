using Microsoft.Extensions.Time.Testing;
using SafeMcp.Contracts;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.Baselines;

namespace SafeMcp.Defenses.Tests;

public sealed class BaselineTests
{
    private static readonly ToolDescriptor s_query = Sessions.Tool("query_customers", "Look up customer records.");

    [Fact]
    public async Task Call_rate_far_above_the_learned_baseline_needs_approval()
    {
        var time = new FakeTimeProvider(Sessions.Start);
        var options = new BaselineOptions { MinWindows = 3, MinCallsFlagged = 10 };
        var baselines = new BaselineMonitor(options, time);
        var grain = await Sessions.GrainAsync(Sessions.Pipeline(detectors: [baselines]), time);
        await grain.OpenAsync(new OpenSessionRequest("s1", null, [s_query]), CancellationToken.None);

        // Four quiet windows of two calls each.
        var n = 0;
        for (var window = 0; window < 4; window++)
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(Verdict.Allow, (await grain.DecideAsync(Sessions.Call("query_customers", $$"""{"id":{{n++}}}"""), CancellationToken.None)).Verdict);
            }
            time.Advance(options.RateWindow);
        }

        Decision? flagged = null;
        for (var i = 0; i < 12 && flagged is null; i++)
        {
            var decision = await grain.DecideAsync(Sessions.Call("query_customers", $$"""{"id":{{n++}}}"""), CancellationToken.None);
            flagged = decision.Verdict == Verdict.RequireApproval ? decision : null;
        }

        Assert.NotNull(flagged);
        Assert.Contains(Techniques.AutomatedDataHarvesting, flagged.Techniques);
        Assert.Contains(BaselineMonitor.Layer, flagged.DecidedBy);
    }

    [Fact]
    public async Task Result_far_larger_than_the_baseline_withholds_the_tool_as_a_dump()
    {
        var time = new FakeTimeProvider(Sessions.Start);
        var options = new BaselineOptions { MinSamples = 5, MinBytesFlagged = 10_000 };
        var baselines = new BaselineMonitor(options, time);
        var grain = await Sessions.GrainAsync(Sessions.Pipeline(detectors: [baselines], observers: [baselines]), time);
        await grain.OpenAsync(new OpenSessionRequest("s1", null, [s_query]), CancellationToken.None);

        for (var i = 0; i < 6; i++)
        {
            var decision = await grain.DecideAsync(Sessions.Call("query_customers", $$"""{"id":{{i}}}"""), CancellationToken.None);
            var view = await grain.ReportOutcomeAsync(new OutcomeReport(decision.Sequence, false, "{}", 900 + i * 20), CancellationToken.None);
            Assert.Contains("query_customers", view.VisibleTools);
        }
        var big = await grain.DecideAsync(Sessions.Call("query_customers", """{"id":"*"}"""), CancellationToken.None);
        var after = await grain.ReportOutcomeAsync(new OutcomeReport(big.Sequence, false, "[...]", 50_000_000), CancellationToken.None);

        Assert.DoesNotContain("query_customers", after.VisibleTools);
        Assert.Contains(Techniques.DatabaseDump, after.WithheldTools.Single().Techniques);
    }
}
