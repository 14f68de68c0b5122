using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>
/// The pass-through scenarios over Streamable HTTP in stateful mode (the default): each test starts its own
/// <c>safemcp-gateway http</c> process fronting the route it needs, and its client works in the SafeMCP session
/// named by its <c>Mcp-Session-Id</c>. Plus what only a stateful session can do: be pushed to, be deleted, expire.
/// </summary>
public sealed class StatefulHttpPassThroughTests(GatewayFixture fixture) : PassThroughScenarios(fixture), IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private const string InitializeBody = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";
    private const string ListToolsBody = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";
    private readonly GatewayFixture _fixture = fixture;
    private readonly TempDirectory _directory = new("safemcp-gateway-stateful");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private GatewayHttpProcess? _gateway;

    private async Task<GatewayHttpProcess> StartGatewayAsync(string serverYaml, string? httpYaml = null)
    {
        var config = Path.Combine(_directory.Path, "gateway.yaml");
        File.WriteAllText(config, $"""
            silo: {_fixture.Silo.BaseAddress}
            {httpYaml}
            tenants:
              - name: tests
                apiKey: {_fixture.ApiKey}
            {GatewayHttpProcess.CallersYaml}    servers:
            {serverYaml}
            """);
        return _gateway = await GatewayHttpProcess.StartAsync(config);
    }

    private protected override async Task<AgentConnection> ConnectAsync(string server, Action<McpClientOptions>? configure = null)
    {
        var gateway = await StartGatewayAsync(server == Memo ? MemoYaml(server) : EverythingYaml(server));
        var options = GatewaySession.ClientOptions();
        configure?.Invoke(options);
        // No SafeMcp-Session-Id header: the SafeMCP session is the MCP session.
        var client = await gateway.ConnectAsync(server, handle: null, options);
        var mcpSession = client.SessionId ?? throw new InvalidOperationException("A stateful session has an Mcp-Session-Id.");
        return new AgentConnection(client, GatewayHttpProcess.SessionOf(mcpSession), client.DisposeAsync);
    }

    private async Task<HttpResponseMessage> PostAsync(string server, string body, string? mcpSessionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _gateway!.Endpoint(server)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHttpProcess.CallerKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (mcpSessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", mcpSessionId);
        }
        return await _http.SendAsync(request);
    }

    private async Task<string> InitializeRawAsync(string server)
    {
        using var response = await PostAsync(server, InitializeBody, mcpSessionId: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }

    [Fact]
    public async Task A_rug_pull_reaches_the_http_client_as_tools_list_changed_on_its_event_stream()
    {
        var server = $"weather-{Guid.NewGuid():N}"[..20];
        var gateway = await StartGatewayAsync($"""
                  - name: {server}
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Rogue)}]
                    env:
                      ROGUE_RUG_PULL: "1"
            """);
        var inbox = new NotificationInbox();
        await using var client = await gateway.ConnectAsync(server, handle: null, inbox.Listen(GatewaySession.ClientOptions(), NotificationMethods.ToolListChangedNotification));
        Assert.Equal(["get_forecast"], (await client.ListToolsAsync()).Select(t => t.Name));

        var honest = await client.CallToolAsync("get_forecast", new Dictionary<string, object?> { ["city"] = "Lisbon" });
        Assert.False(honest.IsError == true, ReferenceServerTests.Text(honest));

        // Pushed, not polled: the notification comes on the session's GET stream without a request of the client.
        await inbox.WaitAsync(NotificationMethods.ToolListChangedNotification);
        Assert.DoesNotContain("get_forecast", (await client.ListToolsAsync()).Select(t => t.Name));
    }

    [Fact]
    public async Task Delete_ends_the_session_and_its_id_is_then_unknown()
    {
        await StartGatewayAsync(EverythingYaml(Everything));
        var id = await InitializeRawAsync(Everything);
        using (var listed = await PostAsync(Everything, ListToolsBody, id))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, _gateway!.Endpoint(Everything)) { Headers = { { "Mcp-Session-Id", id }, { "Authorization", "Bearer " + GatewayHttpProcess.CallerKey } } };
        using var deleted = await _http.SendAsync(delete);
        using var after = await PostAsync(Everything, ListToolsBody, id);
        using var withoutSession = await PostAsync(Everything, ListToolsBody, mcpSessionId: null);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Contains("Session not found", await after.Content.ReadAsStringAsync());
        // Anything but initialize without a session is a bad request.
        Assert.Equal(HttpStatusCode.BadRequest, withoutSession.StatusCode);
    }

    [Fact]
    public async Task An_idle_session_expires()
    {
        var gateway = await StartGatewayAsync(EverythingYaml(Everything), "http:\n  sessionIdleTimeout: 1s");
        var id = await InitializeRawAsync(Everything);

        // No request and no event stream: the SDK's sweeper ends it (and logs it; no clock in the test).
        await gateway.WaitForLogAsync($"Closing idle session {id}");
        using var after = await PostAsync(Everything, ListToolsBody, id);

        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        _http.Dispose();
        _directory.Dispose();
    }
}
