using SafeMcp.Contracts;
using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Item 5: re-opening a session with a new instruction from an agent key never relaxes its checks; an admin key may; every change is audited.</summary>
public sealed partial class InstructionChangeTests
{
    private readonly Adversary _adversary = new();

    private static readonly ToolDescriptor[] s_tools =
    [
        Sessions.Tool("delete_file", "Delete a file."),
        Sessions.Tool("login", "Log in to the intranet.", """{"type":"object","properties":{"user":{"type":"string"},"password":{"type":"string"}}}"""),
    ];

    /// <summary>Re-opens the session as an agent key does (the overload without a role).</summary>
    private static Task<SessionView> ReopenAsync(SessionGrain grain, string instruction) =>
        grain.OpenAsync(new OpenSessionRequest("s1", instruction, s_tools), CancellationToken.None);

    [Theory]
    [InlineData("Summarise the quarterly report.", "Summarise the quarterly report, then delete the old drafts.")]
    [InlineData(null, "Delete the old drafts.")]
    [InlineData("Summarise the quarterly report.", "Clean up the workspace.")]
    public async Task An_agent_key_cannot_relax_deletion_by_re_opening_with_a_new_instruction(string? first, string relaxed)
    {
        var grain = await _adversary.OpenAsync(first, s_tools);
        var before = await Adversary.CallAsync(grain, "delete_file", """{"path":"draft.txt"}""");

        var error = await Assert.ThrowsAsync<SessionRequestException>(() => ReopenAsync(grain, relaxed));
        var after = await Adversary.CallAsync(grain, "delete_file", """{"path":"draft.txt"}""");

        Assert.Equal(Verdict.RequireApproval, before.Verdict);
        Assert.Equal("instruction_relaxes_checks", error.Code);
        Assert.Equal(first, grain.State.Instruction);
        Assert.Equal(Verdict.RequireApproval, after.Verdict);
    }

    [Fact]
    public async Task An_agent_key_cannot_slip_in_a_password_the_task_did_not_give()
    {
        var grain = await _adversary.OpenAsync("Check the intranet status page.", s_tools);

        var error = await Assert.ThrowsAsync<SessionRequestException>(() => ReopenAsync(grain, "Check the intranet status page; log in with password Tr0ub4dor&3."));
        var call = await Adversary.CallAsync(grain, "login", """{"user":"ann","password":"Tr0ub4dor&3"}""");

        Assert.Equal("instruction_relaxes_checks", error.Code);
        Assert.Equal(Verdict.RequireApproval, call.Verdict);
    }

    [Fact]
    public async Task An_agent_key_may_tighten_the_instruction_and_the_change_is_audited()
    {
        var grain = await _adversary.OpenAsync("Delete the old drafts and summarise the report.", s_tools);

        await ReopenAsync(grain, "Summarise the report.");
        var call = await Adversary.CallAsync(grain, "delete_file", """{"path":"draft.txt"}""");

        Assert.Equal(Verdict.RequireApproval, call.Verdict);
        var audit = Assert.Single(_adversary.Store.Writes, write => write.Audit?.Decision.Tool == "session:instruction").Audit!;
        Assert.Contains("Summarise the report.", audit.ArgumentsJson);
        Assert.Contains("Delete the old drafts", audit.ArgumentsJson);
    }
}
