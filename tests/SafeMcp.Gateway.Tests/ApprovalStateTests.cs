using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>
/// Human approval by multi-round-trip request (MCP 2026-07-28) over raw HTTP: the gateway answers
/// <c>input_required</c> with a sealed <c>requestState</c>; the retry with the human's answer runs the call once, and a
/// state that was edited, replayed or moved to other arguments is refused without running anything.
/// </summary>
public sealed class ApprovalStateTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private const string Version = "2026-07-28";
    private readonly TempDirectory _directory = new("safemcp-gateway-mrtr");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private GatewayHttpProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_directory.Path, "notes.txt"), "keep me");
        var config = Path.Combine(_directory.Path, "gateway.yaml");
        File.WriteAllText(config, $"""
            silo: {fixture.Silo.BaseAddress}
            tenants:
              - name: tests
                apiKey: {fixture.ApiKey}
            {GatewayHttpProcess.CallersYaml}    servers:
                  - name: files
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_directory.Path)}]
            """);
        _gateway = await GatewayHttpProcess.StartAsync(config);
    }

    private async Task<JsonNode> CallAsync(string handle, string content, JsonObject? retry = null)
    {
        // The session meets the file first (an overwrite of a file it never saw destroys nothing it knew of).
        await PostAsync(handle, "read_text_file", new JsonObject { ["path"] = Path.Combine(_directory.Path, "notes.txt") }, null);
        return await PostAsync(handle, "write_file", new JsonObject { ["path"] = Path.Combine(_directory.Path, "notes.txt"), ["content"] = content }, retry);
    }

    private async Task<JsonNode> PostAsync(string handle, string tool, JsonObject arguments, JsonObject? retry)
    {
        var meta = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = Version,
            ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject { ["elicitation"] = new JsonObject { ["form"] = new JsonObject() } },
            ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "1" },
        };
        var parameters = new JsonObject
        {
            ["name"] = tool,
            ["arguments"] = arguments,
            ["_meta"] = meta,
        };
        foreach (var (key, value) in retry ?? [])
        {
            parameters[key] = value?.DeepClone();
        }
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/call", ["params"] = parameters };
        using var request = new HttpRequestMessage(HttpMethod.Post, _gateway.Endpoint("files")) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHttpProcess.CallerKey);
        request.Headers.Add("MCP-Protocol-Version", Version);
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", tool);
        request.Headers.Add("SafeMcp-Session", handle);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var data = text.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal))?["data: ".Length..] ?? text;
        return JsonNode.Parse(data)?["result"] ?? throw new InvalidOperationException("No result: " + text);
    }

    private static JsonObject Retry(JsonNode required, string? state = null, bool approve = true) => new()
    {
        ["requestState"] = state ?? required["requestState"]!.GetValue<string>(),
        ["inputResponses"] = new JsonObject
        {
            [((JsonObject)required["inputRequests"]!).Single().Key] = new JsonObject
            {
                ["action"] = "accept",
                ["content"] = new JsonObject { ["approve"] = approve },
            },
        },
    };

    private string Notes => File.ReadAllText(Path.Combine(_directory.Path, "notes.txt"));

    [Fact]
    public async Task An_approved_retry_runs_the_call_once_and_its_state_cannot_be_replayed()
    {
        var handle = $"mrtr-{Guid.NewGuid():N}";
        var required = await CallAsync(handle, "approved text");
        var untouched = Notes;

        var approved = await CallAsync(handle, "approved text", Retry(required));
        var afterApproval = Notes;
        File.WriteAllText(Path.Combine(_directory.Path, "notes.txt"), "keep me");
        var replayed = await CallAsync(handle, "approved text", Retry(required));

        Assert.Equal("input_required", required["resultType"]?.GetValue<string>());
        Assert.Equal("keep me", untouched);
        Assert.NotEqual(true, approved["isError"]?.GetValue<bool>());
        Assert.Equal("approved text", afterApproval);
        Assert.True(replayed["isError"]?.GetValue<bool>());
        Assert.Contains("already used", replayed.ToJsonString());
        Assert.Equal("keep me", Notes);
    }

    [Fact]
    public async Task An_edited_state_or_one_moved_to_other_arguments_is_refused_and_nothing_runs()
    {
        var handle = $"mrtr-{Guid.NewGuid():N}";
        var required = await CallAsync(handle, "first text");
        var state = required["requestState"]!.GetValue<string>();
        var edited = state[..^2] + (state[^2] == 'A' ? "B" : "A") + state[^1];

        var forged = await CallAsync(handle, "first text", Retry(required, edited));
        var moved = await CallAsync(handle, "other text", Retry(required));
        var elsewhere = await CallAsync($"other-{Guid.NewGuid():N}", "first text", Retry(required));

        Assert.True(forged["isError"]?.GetValue<bool>());
        Assert.Contains("not one the gateway issued", forged.ToJsonString());
        Assert.True(moved["isError"]?.GetValue<bool>());
        Assert.Contains("another session, tool or arguments", moved.ToJsonString());
        Assert.True(elsewhere["isError"]?.GetValue<bool>());
        Assert.Equal("keep me", Notes);
    }

    [Fact]
    public async Task A_declined_retry_is_denied_and_nothing_runs()
    {
        var handle = $"mrtr-{Guid.NewGuid():N}";
        var required = await CallAsync(handle, "declined text");

        var declined = await CallAsync(handle, "declined text", Retry(required, approve: false));

        Assert.True(declined["isError"]?.GetValue<bool>());
        Assert.Contains("did not give it", declined.ToJsonString());
        Assert.Equal("keep me", Notes);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _http.Dispose();
        _directory.Dispose();
    }
}
