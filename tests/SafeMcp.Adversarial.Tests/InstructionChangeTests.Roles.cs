using SafeMcp.Contracts;
using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Adversarial.Tests;

// The cases that name the opener's role (an API the fix added).
public sealed partial class InstructionChangeTests
{
    [Fact]
    public async Task An_admin_key_may_relax_the_instruction_and_the_change_is_audited()
    {
        var grain = await _adversary.OpenAsync("Summarise the report.", s_tools);

        await grain.OpenAsync(new OpenSessionRequest("s1", "Delete the old drafts.", s_tools), SessionOpener.Admin, CancellationToken.None);
        var call = await Adversary.CallAsync(grain, "delete_file", """{"path":"draft.txt"}""");

        Assert.Equal(Verdict.Allow, call.Verdict);
        var audit = Assert.Single(_adversary.Store.Writes, write => write.Audit?.Decision.Tool == InstructionChange.AuditTool).Audit!;
        Assert.Contains("\"by\":\"admin\"", audit.ArgumentsJson);
    }
}
