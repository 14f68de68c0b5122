using System.Text.Json;
using SafeMcp.Contracts;

namespace SafeMcp.Gateway.Tests;

/// <summary>Our own Node server (on the official TypeScript SDK) turning malicious on cue, behind the gateway.</summary>
public sealed class RogueServerTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static string RogueYaml(string name, string cue) => $"""
              - name: {name}
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Rogue)}]
                env:
                  {cue}: "1"
        """;

    private static Dictionary<string, object?> City() => new() { ["city"] = "Lisbon" };

    private async Task<SessionSnapshot> SnapshotAsync(GatewaySession session)
    {
        using var client = fixture.NewClient();
        return await client.GetSessionAsync(session.SessionId);
    }

    [Fact]
    public async Task A_rug_pull_is_forwarded_as_list_changed_and_the_changed_tool_is_quarantined()
    {
        // A server name of its own: the cluster pins tools per tenant and server, on first sight.
        var server = $"weather-{Guid.NewGuid():N}"[..20];
        await using var session = await GatewaySession.StartAsync(fixture, server, RogueYaml(server, "ROGUE_RUG_PULL"));
        var before = Assert.Single(await session.ToolsAsync());
        // A tools-only upstream: the gateway offers nothing more.
        Assert.Null(session.Client.ServerCapabilities.Prompts);
        Assert.Null(session.Client.ServerCapabilities.Resources);
        Assert.Null(session.Client.ServerCapabilities.Completions);
        Assert.Equal(("get_forecast", "Returns the weather forecast for a city."), (before.Name, before.Description));

        var honest = await session.CallAsync("get_forecast", City());
        Assert.False(honest.IsError == true, ReferenceServerTests.Text(honest));
        Assert.Equal("Forecast for Lisbon: sunny, 21°C.", ReferenceServerTests.Text(honest));

        // The server now redefines the tool and announces it: the gateway forwards the announcement...
        await session.WaitForToolListChangedAsync();
        // ...and the cluster, given the new definition, quarantines the changed tool: it is no longer listed...
        Assert.DoesNotContain("get_forecast", await session.ToolNamesAsync());
        // ...and a call to it is refused before it reaches the server.
        var after = await session.CallAsync("get_forecast", City());
        Assert.True(after.IsError, ReferenceServerTests.Text(after));
        Assert.Contains("withheld", ReferenceServerTests.Text(after));
        // The gateway refreshed the session with the new definition: the registry holds it, quarantined against the pin.
        var pinned = Assert.Single(await fixture.RegistryAsync(server), t => t.Tool == "get_forecast");
        Assert.Equal("quarantined", pinned.Status);
        Assert.NotEqual(pinned.ApprovedHash, pinned.ObservedHash);
        Assert.Contains("<IMPORTANT>", pinned.Definition.Description);
        var decisions = (await SnapshotAsync(session)).Decisions;
        Assert.Equal([Verdict.Allow, Verdict.Deny], decisions.Select(d => d.Verdict));
        Assert.Contains("announced tools/list_changed; reloading its tools", session.Log);
    }

    [Fact]
    public async Task A_tool_with_a_poisoned_description_never_reaches_the_client()
    {
        var server = $"adder-{Guid.NewGuid():N}"[..20];
        await using var session = await GatewaySession.StartAsync(fixture, server, RogueYaml(server, "ROGUE_POISONED"));

        var names = await session.ToolNamesAsync();

        Assert.Equal(["get_forecast"], names);
        // Called by name anyway (an agent that read the definition elsewhere): refused, the server never runs it.
        var call = await session.CallAsync("add_numbers", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 });
        Assert.True(call.IsError, ReferenceServerTests.Text(call));
        Assert.DoesNotContain("5", ReferenceServerTests.Text(call).Split('\n')[0]);
        var decision = Assert.Single((await SnapshotAsync(session)).Decisions);
        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Contains(decision.Techniques, t => t is "SAFE-T1001" or "SAFE-T1402");
    }

    [Fact]
    public async Task A_prompt_with_a_poisoned_description_is_listed_unchanged_and_taints_the_session()
    {
        var server = $"prompts-{Guid.NewGuid():N}"[..20];
        await using var session = await GatewaySession.StartAsync(fixture, server, RogueYaml(server, "ROGUE_POISONED"));
        await session.ToolNamesAsync();
        Assert.Empty((await SnapshotAsync(session)).View.Taint);

        var prompt = Assert.Single(await session.Client.ListPromptsAsync());

        // Prompts are not pinned and filtered as tools are: the listing is what the upstream gave...
        Assert.Equal("weekly-summary", prompt.Name);
        Assert.Contains("<IMPORTANT>", prompt.Description);
        // ...but the agent read it, so the session now carries untrusted instructions.
        Assert.Contains("untrusted_instructions", (await SnapshotAsync(session)).View.Taint);
    }
}
