using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>
/// What the gateway's HTTP endpoint refuses before any MCP handling (Host and Origin: DNS rebinding; callers without
/// a key; names it does not serve to them), and that an upstream nobody can reach does not stop it.
/// </summary>
public sealed class EndpointSecurityTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private const string ListToolsBody = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}}}""";
    private readonly TempDirectory _directory = new("safemcp-gateway-security");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private GatewayHttpProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_directory.Path, "gateway.yaml");
        File.WriteAllText(config, $"""
            silo: {fixture.Silo.BaseAddress}
            http:
              allowedOrigins: [https://app.example.com]
            tenants:
              - name: tests
                apiKey: {fixture.ApiKey}
            {GatewayHttpProcess.CallersYaml}    servers:
                  - name: files
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_directory.Path)}]
                  - name: gone
                    url: http://127.0.0.1:1/mcp
                profiles:
                  - name: work
                    servers: [files, gone]
              - name: other
                apiKey: {fixture.ApiKey}
                callers:
                  - name: stranger
                    key: stranger-key-of-another-tenant
                servers:
                  - name: theirs
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_directory.Path)}]
            """);
        _gateway = await GatewayHttpProcess.StartAsync(config);
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string endpoint, string? key = GatewayHttpProcess.CallerKey, string? host = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _gateway.Endpoint(endpoint)) { Content = new StringContent(ListToolsBody, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/list");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_request_naming_another_host_is_forbidden_as_dns_rebinding_would_send_it()
    {
        var (status, _) = await PostAsync("files", host: "attacker.example.net");

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task A_browser_origin_not_on_the_allowlist_is_forbidden_and_an_allowed_one_is_served()
    {
        var (refused, _) = await PostAsync("files", origin: "https://evil.example.net");
        var (allowed, body) = await PostAsync("files", origin: "https://app.example.com");

        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal(HttpStatusCode.OK, allowed);
        Assert.Contains("read_text_file", body);
    }

    [Fact]
    public async Task A_caller_without_a_valid_key_is_unauthorized_whatever_the_name()
    {
        var (none, _) = await PostAsync("files", key: null);
        var (wrong, _) = await PostAsync("files", key: "not-a-key-of-this-gateway");
        var (unknownName, body) = await PostAsync("nope", key: null);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none, wrong, unknownName));
        Assert.DoesNotContain("files", body);
    }

    [Fact]
    public async Task Another_tenants_endpoint_is_not_found_and_the_404_names_nothing()
    {
        var (status, body) = await PostAsync("theirs");
        var (unknown, unknownBody) = await PostAsync("nope");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (status, unknown));
        Assert.Equal(body, unknownBody);
        Assert.DoesNotContain("files", body + unknownBody);
        Assert.DoesNotContain("theirs", body + unknownBody);
    }

    [Fact]
    public async Task An_unreachable_upstream_is_reported_without_a_stack_and_the_others_are_served()
    {
        await using var client = await _gateway.ConnectAsync("work", $"gone-{Guid.NewGuid():N}");
        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToArray();

        Assert.Contains("files__read_text_file", tools);
        Assert.DoesNotContain(tools, t => t.StartsWith("gone__", StringComparison.Ordinal));
        await _gateway.WaitForLogAsync("Upstream 'gone' cannot be reached");
        Assert.DoesNotContain("   at ", _gateway.Log);
    }

    [Fact]
    public async Task A_wrong_tenant_key_stops_the_gateway_at_start_with_a_clear_message_and_no_stack()
    {
        var config = Path.Combine(_directory.Path, "wrong-key.yaml");
        File.WriteAllText(config, $"""
            silo: {fixture.Silo.BaseAddress}
            tenants:
              - name: tests
                apiKey: smk_not_a_key_of_this_silo
                servers:
                  - name: files
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_directory.Path)}]
            """);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            ArgumentList = { RepositoryPaths.BuiltAssembly("clients/SafeMcp.Gateway", "safemcp-gateway"), "stdio", "--config", config, "--server", "files" },
        };
        using var gateway = System.Diagnostics.Process.Start(start)!;
        var stderr = gateway.StandardError.ReadToEndAsync();
        await gateway.StandardOutput.ReadToEndAsync();
        await gateway.WaitForExitAsync();

        Assert.Equal(2, gateway.ExitCode);
        var log = await stderr;
        Assert.Contains("tenant 'tests': the silo refused its API key", log);
        Assert.DoesNotContain("   at ", log);
        Assert.DoesNotContain("smk_not_a_key_of_this_silo", log);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _http.Dispose();
        _directory.Dispose();
    }
}
