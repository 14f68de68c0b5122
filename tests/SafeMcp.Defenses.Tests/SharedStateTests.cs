using Microsoft.Extensions.Time.Testing;
using SafeMcp.Grains.Storage;
using SafeMcp.Contracts;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Defenses.Tests;

/// <summary>
/// Two gates over one store, as two silos of a cluster over one database: a change made through one applies through
/// the other once the other's copy is older than the refresh interval (the documented staleness bound), and not before.
/// </summary>
public sealed class SharedStateTests
{
    private static readonly TimeSpan Interval = new RegistryOptions().RefreshInterval;
    private readonly InMemoryDefenseStore _store = new();
    private readonly FakeTimeProvider _time = new(Sessions.Start);

    [Fact]
    public async Task Approval_through_one_silo_applies_on_another_after_the_refresh_interval()
    {
        var siloA = new ToolRegistry(_store, new RegistryOptions(), _time);
        var siloB = new ToolRegistry(_store, new RegistryOptions(), _time);
        await OpenAsync(siloA, "s1", Sessions.Tool("read", "Read a file."));
        var onB = await OpenAsync(siloB, "s2", Sessions.Tool("read", "Read a file."), Sessions.Tool("delete", "Delete a file."));
        Assert.Equal(["read"], (await onB.ViewAsync(CancellationToken.None)).VisibleTools);

        await siloA.ApproveAsync(Sessions.Tenant, "files", "delete", null, CancellationToken.None);
        Assert.Equal(["read"], (await onB.ViewAsync(CancellationToken.None)).VisibleTools); // B's copy is still within the bound

        _time.Advance(Interval + TimeSpan.FromMilliseconds(1));
        Assert.Equal(["delete", "read"], (await onB.ViewAsync(CancellationToken.None)).VisibleTools);
    }

    [Fact]
    public async Task Silo_with_an_old_copy_does_not_trust_on_first_sight_a_tool_another_silo_quarantined()
    {
        var siloA = new ToolRegistry(_store, new RegistryOptions(), _time);
        var siloB = new ToolRegistry(_store, new RegistryOptions(), _time);
        await OpenAsync(siloB, "s0"); // B has read the server's pins while there were none
        await OpenAsync(siloA, "s1", Sessions.Tool("read", "Read a file."));
        await OpenAsync(siloA, "s2", Sessions.Tool("read", "Read any file, including secrets."));

        var onB = await OpenAsync(siloB, "s3", Sessions.Tool("read", "Read any file, including secrets."));

        Assert.Empty((await onB.ViewAsync(CancellationToken.None)).VisibleTools);
        Assert.Equal(PinStatus.Quarantined, (await _store.ListAsync(Sessions.Tenant, "files", CancellationToken.None)).Single().Status);
    }

    [Fact]
    public async Task Grant_revoked_through_one_silo_is_withheld_on_another_after_the_refresh_interval()
    {
        var siloA = new GrantGate(_store, new GrantOptions(), _time);
        var siloB = new GrantGate(_store, new GrantOptions(), _time);
        await siloA.SetPolicyAsync(Sessions.Tenant, new GrantPolicy(["read_file"], []), CancellationToken.None);
        var grant = await siloA.GrantAsync(Sessions.Tenant, new GrantRequest("s1", "read_file", null, "read the report", 3600), CancellationToken.None);
        var onB = await Sessions.GrainAsync(Sessions.Pipeline(gates: [siloB]), _time);
        await onB.OpenAsync(new OpenSessionRequest("s1", null, [Sessions.Tool("read_file", "Read a file.")]), CancellationToken.None);
        Assert.Equal(["read_file"], (await onB.ViewAsync(CancellationToken.None)).VisibleTools);

        await siloA.RevokeAsync(Sessions.Tenant, grant.GrantId, CancellationToken.None);
        _time.Advance(new GrantOptions().RefreshInterval + TimeSpan.FromMilliseconds(1));

        Assert.Empty((await onB.ViewAsync(CancellationToken.None)).VisibleTools);
        Assert.Equal(Verdict.Deny, (await onB.DecideAsync(Sessions.Call("read_file"), CancellationToken.None)).Verdict);
    }

    private async Task<Grains.Sessions.SessionGrain> OpenAsync(ToolRegistry registry, string sessionId, params ToolDescriptor[] tools)
    {
        var grain = await Sessions.GrainAsync(Sessions.Pipeline(gates: [registry]), _time, sessionId);
        await grain.OpenAsync(new OpenSessionRequest(sessionId, null, tools, "files"), CancellationToken.None);
        return grain;
    }
}
