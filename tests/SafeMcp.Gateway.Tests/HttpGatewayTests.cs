using System.Text.Json;
using ModelContextProtocol.Client;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>The gateway's Streamable HTTP endpoint in stateless mode (on Kestrel), driven by the SDK's HTTP client transport.</summary>
public sealed class HttpGatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private readonly TempDirectory _directory = new("safemcp-gateway-http");
    private GatewayHttpProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_directory.Path, "notes.txt"), "Meeting moved to Thursday.");
        var config = Path.Combine(_directory.Path, "gateway.yaml");
        File.WriteAllText(config, $"""
            silo: {fixture.Silo.BaseAddress}
            http:
              mode: stateless
            tenants:
              - name: tests
                apiKey: {fixture.ApiKey}
            {GatewayHttpProcess.CallersYaml}    servers:
                  - name: files
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_directory.Path)}]
                  - name: everything
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Everything)}, stdio]
            """);
        _gateway = await GatewayHttpProcess.StartAsync(config);
    }

    private Task<McpClient> ConnectAsync(string server, string sessionId) => _gateway.ConnectAsync(server, sessionId);

    [Fact]
    public async Task Calls_over_stateless_http_are_decided_in_the_session_the_header_names()
    {
        var sessionId = $"http-{Guid.NewGuid():N}";
        await using var client = await ConnectAsync("files", sessionId);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToArray();
        Assert.Contains("read_text_file", tools);
        var read = await client.CallToolAsync("read_text_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_directory.Path, "notes.txt") });
        Assert.False(read.IsError == true, ReferenceServerTests.Text(read));
        Assert.Equal("Meeting moved to Thursday.", ReferenceServerTests.Text(read));
        var climb = await client.CallToolAsync("read_text_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_directory.Path, "..", "..", "etc", "passwd") });
        Assert.True(climb.IsError, ReferenceServerTests.Text(climb));

        using var silo = fixture.NewClient();
        var snapshot = await silo.GetSessionAsync(GatewayHttpProcess.SessionOf(sessionId));
        Assert.Equal([("read_text_file", Verdict.Allow), ("read_text_file", Verdict.Deny)], snapshot.Decisions.Select(d => (d.Tool, d.Verdict)));
    }

    [Fact]
    public async Task Each_configured_server_has_its_own_path_and_an_unknown_one_is_not_found_without_naming_any()
    {
        await using var everything = await ConnectAsync("everything", $"http-{Guid.NewGuid():N}");
        Assert.Contains("get-sum", (await everything.ListToolsAsync()).Select(t => t.Name));

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayHttpProcess.CallerKey);
        using var response = await http.PostAsync(_gateway.Endpoint("nope"), new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("files", body);
        Assert.DoesNotContain("everything", body);
    }

    [Fact]
    public async Task Stateless_mode_refuses_subscriptions_it_could_never_deliver_but_reads_resources()
    {
        await using var client = await ConnectAsync("everything", $"http-{Guid.NewGuid():N}");

        var read = await client.ReadResourceAsync("demo://resource/static/document/architecture.md");
        var subscribe = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(() => client.SubscribeToResourceAsync("demo://resource/static/document/architecture.md"));

        Assert.Single(read.Contents);
        Assert.Contains("needs a session that can be told of updates", subscribe.Message);
    }

    [Fact]
    public async Task Stateless_mode_has_no_event_stream_to_open()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayHttpProcess.CallerKey);
        using var response = await http.GetAsync(_gateway.Endpoint("everything"));

        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _directory.Dispose();
    }
}
