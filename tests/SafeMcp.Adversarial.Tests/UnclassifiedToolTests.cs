using SafeMcp.Contracts;
using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Item 8: a tool whose name says nothing about what it does is not trusted in a tainted session.</summary>
public sealed partial class UnclassifiedToolTests
{
    private readonly Adversary _adversary = new();

    private async Task<SessionGrain> TaintedSessionAsync(string tool)
    {
        var grain = await _adversary.OpenAsync("Check the deployment.", Sessions.Tool("read_file", "Read a file."), Sessions.Tool(tool, "Handles the data."));
        var read = await Adversary.CallAsync(grain, "read_file", """{"path":"deploy.txt"}""");
        await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 60), CancellationToken.None);
        Assert.NotEqual(Taint.None, grain.State.Taint);
        return grain;
    }

    [Theory]
    [InlineData("transmit")]
    [InlineData("sync_notes")]
    [InlineData("t1")]
    public async Task An_unclassified_tool_in_a_tainted_session_needs_a_human(string tool)
    {
        var grain = await TaintedSessionAsync(tool);

        var decision = await Adversary.CallAsync(grain, tool, """{"data":"summary"}""");

        Assert.Equal(Verdict.RequireApproval, decision.Verdict);
    }

    [Fact]
    public async Task An_unclassified_tool_in_a_clean_session_is_allowed()
    {
        var grain = await _adversary.OpenAsync("Check the deployment.", Sessions.Tool("transmit", "Handles the data."));

        var decision = await Adversary.CallAsync(grain, "transmit", """{"data":"summary"}""");

        Assert.Equal(Verdict.Allow, decision.Verdict);
    }
}
