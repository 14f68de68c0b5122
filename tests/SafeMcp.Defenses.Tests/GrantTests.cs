using Microsoft.Extensions.Time.Testing;
using SafeMcp.Grains.Storage;
using SafeMcp.Contracts;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Defenses;
using SafeMcp.Grains.Defenses.Grants;

namespace SafeMcp.Defenses.Tests;

public sealed class GrantTests
{
    private readonly InMemoryDefenseStore _store = new();
    private readonly FakeTimeProvider _time = new(Sessions.Start);
    private readonly GrantGate _gate;

    public GrantTests() => _gate = new GrantGate(_store, new GrantOptions(), _time);

    private async Task<Grains.Sessions.SessionGrain> OpenAsync()
    {
        var grain = await Sessions.GrainAsync(Sessions.Pipeline(gates: [_gate]), _time);
        await grain.OpenAsync(new OpenSessionRequest("s1", null,
            [Sessions.Tool("read_file", "Read a file."), Sessions.Tool("run_command", "Execute a shell command in a terminal.")]), CancellationToken.None);
        return grain;
    }

    [Fact]
    public async Task Tool_with_a_capability_the_policy_names_is_withheld_until_granted_then_again_after_expiry()
    {
        await _gate.SetPolicyAsync(Sessions.Tenant, new GrantPolicy([], ["exec"]), CancellationToken.None);
        var grain = await OpenAsync();
        Assert.Equal(["read_file"], (await grain.ViewAsync(CancellationToken.None)).VisibleTools);
        Assert.Equal(Verdict.Deny, (await grain.DecideAsync(Sessions.Call("run_command", """{"command":"ls"}"""), CancellationToken.None)).Verdict);

        await _gate.GrantAsync(Sessions.Tenant, new GrantRequest("s1", null, "exec", "build the project", 60), CancellationToken.None);
        Assert.Equal(["read_file", "run_command"], (await grain.ViewAsync(CancellationToken.None)).VisibleTools);
        Assert.Equal(Verdict.Allow, (await grain.DecideAsync(Sessions.Call("run_command", """{"command":"ls"}"""), CancellationToken.None)).Verdict);

        _time.Advance(TimeSpan.FromSeconds(61));
        var view = await grain.ViewAsync(CancellationToken.None);
        Assert.Equal(["read_file"], view.VisibleTools);
        Assert.Contains("expired", view.WithheldTools.Single().Reason);
    }

    [Fact]
    public async Task Revoked_grant_withholds_the_tool_at_once()
    {
        await _gate.SetPolicyAsync(Sessions.Tenant, new GrantPolicy(["read_file"], []), CancellationToken.None);
        var grain = await OpenAsync();
        var grant = await _gate.GrantAsync(Sessions.Tenant, new GrantRequest("s1", "read_file", null, "read the report", 3600), CancellationToken.None);
        Assert.Contains("read_file", (await grain.ViewAsync(CancellationToken.None)).VisibleTools);

        await _gate.RevokeAsync(Sessions.Tenant, grant.GrantId, CancellationToken.None);

        Assert.DoesNotContain("read_file", (await grain.ViewAsync(CancellationToken.None)).VisibleTools);
    }

    [Fact]
    public async Task Grant_for_another_session_does_not_count()
    {
        await _gate.SetPolicyAsync(Sessions.Tenant, new GrantPolicy(["read_file"], []), CancellationToken.None);
        var grain = await OpenAsync();
        await _gate.GrantAsync(Sessions.Tenant, new GrantRequest("other", "read_file", null, "task", 3600), CancellationToken.None);
        Assert.DoesNotContain("read_file", (await grain.ViewAsync(CancellationToken.None)).VisibleTools);
    }

    [Theory]
    [InlineData("s1", "read_file", "exec", "task", 60)]
    [InlineData("s1", null, null, "task", 60)]
    [InlineData("s1", null, "telepathy", "task", 60)]
    [InlineData("s1", "read_file", null, "", 60)]
    [InlineData("s1", "read_file", null, "task", 0)]
    [InlineData("s1", "read_file", null, "task", 90_000)]
    public async Task Bad_grant_request_is_refused_and_stores_nothing(string session, string? tool, string? capability, string task, int ttl)
    {
        await Assert.ThrowsAsync<DefenseRequestException>(() => _gate.GrantAsync(Sessions.Tenant, new GrantRequest(session, tool, capability, task, ttl), CancellationToken.None));
        Assert.Empty(await _gate.ListAsync(Sessions.Tenant, null, CancellationToken.None));
    }
}
