using SafeMcp.Contracts;
using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;

namespace SafeMcp.Adversarial.Tests;

// The case that sets the option (an API the fix added).
public sealed partial class UnclassifiedToolTests
{
    [Fact]
    public async Task The_option_can_trust_unclassified_tools_again()
    {
        var grain = await Sessions.GrainAsync(new DecisionPipeline([new HazardRules(new RuleOptions { UnclassifiedToolInTaintedSession = Verdict.Allow })], [new TaintVisibilityRule()]));
        await grain.OpenAsync(new OpenSessionRequest("s1", null, [Sessions.Tool("read_file", "Read a file."), Sessions.Tool("transmit", "Handles the data.")]), CancellationToken.None);
        var read = await Adversary.CallAsync(grain, "read_file", """{"path":"deploy.txt"}""");
        await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 60), CancellationToken.None);

        var decision = await Adversary.CallAsync(grain, "transmit", """{"data":"summary"}""");

        Assert.Equal(Verdict.Allow, decision.Verdict);
    }
}
