using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Contracts;
using SafeMcp.Grains.Tools;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>The official reference MCP servers (Node, written by others) behind the gateway, driven by a real MCP client over stdio.</summary>
public sealed class ReferenceServerTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private const string ApiKeyValue = "sk-live-0123456789abcdefghijklmnop";
    private readonly TempDirectory _files = new("safemcp-gateway-files");

    private string FilesystemYaml => $"""
              - name: files
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_files.Path)}]
                instruction: Tidy up the project notes.
        """;

    private static string EverythingYaml => $"""
              - name: everything
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Everything)}, stdio]
                env:
                  API_KEY: {ApiKeyValue}
        """;

    private async Task<SessionSnapshot> SnapshotAsync(GatewaySession session)
    {
        using var client = fixture.NewClient();
        return await client.GetSessionAsync(session.SessionId);
    }

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] arguments) => arguments.ToDictionary(a => a.Name, a => a.Value);

    [Fact]
    public async Task Filesystem_server_tools_that_write_or_move_are_not_read_only_and_writing_a_new_file_runs_unasked()
    {
        File.WriteAllText(Path.Combine(_files.Path, "notes.txt"), "Meeting moved to Thursday.");
        await using var session = await GatewaySession.StartAsync(fixture, "files", FilesystemYaml, approve: true);
        var tools = (await session.ToolsAsync()).ToDictionary(t => t.Name);

        // The cluster's classifier on the definitions exactly as the gateway handed them to the client.
        foreach (var name in new[] { "write_file", "edit_file", "move_file", "create_directory" })
        {
            var capabilities = CapabilityClassifier.Classify(Descriptor(tools[name]));
            Assert.True((capabilities & (Capability.FsWrite | Capability.FsDelete)) != 0, $"{name} was classified {string.Join(",", CapabilityNames.Of(capabilities))}");
        }
        foreach (var name in new[] { "read_text_file", "list_directory", "search_files", "get_file_info" })
        {
            var capabilities = CapabilityClassifier.Classify(Descriptor(tools[name]));
            Assert.True((capabilities & (Capability.FsWrite | Capability.FsDelete)) == 0, $"{name} was classified {string.Join(",", CapabilityNames.Of(capabilities))}");
        }

        // And in the silo's session: a read uses fs.read only; a write and a move add fs.write.
        var read = await session.CallAsync("read_text_file", Args(("path", Path.Combine(_files.Path, "notes.txt"))));
        Assert.False(read.IsError == true, Text(read));
        var afterRead = await SnapshotAsync(session);
        Assert.DoesNotContain("fs.write", afterRead.CapabilitiesUsed);

        var write = await session.CallAsync("write_file", Args(("path", Path.Combine(_files.Path, "todo.txt")), ("content", "tidy notes")));
        Assert.False(write.IsError == true, Text(write));
        var move = await session.CallAsync("move_file", Args(("source", Path.Combine(_files.Path, "todo.txt")), ("destination", Path.Combine(_files.Path, "done.txt"))));
        Assert.False(move.IsError == true, Text(move));
        var afterWrite = await SnapshotAsync(session);
        Assert.Contains("fs.write", afterWrite.CapabilitiesUsed);
        // write_file says it may overwrite (destructiveHint), but todo.txt is a file the session never met: a new file,
        // not a destruction, so nobody was asked.
        Assert.DoesNotContain(session.ApprovalMessages, m => m.Contains("'write_file'", StringComparison.Ordinal));
        Assert.Equal(["read_text_file", "write_file", "move_file"], afterWrite.Decisions.Select(d => d.Tool));
        Assert.Equal(Verdict.Allow, afterWrite.Decisions[0].Verdict);
        Assert.Equal(Verdict.Allow, afterWrite.Decisions[1].Verdict);
        Assert.True(File.Exists(Path.Combine(_files.Path, "done.txt")));
    }

    [Fact]
    public async Task An_overwrite_is_denied_when_the_client_cannot_ask_a_human()
    {
        File.WriteAllText(Path.Combine(_files.Path, "notes.txt"), "keep me");
        await using var session = await GatewaySession.StartAsync(fixture, "files", FilesystemYaml);
        // The session has read the file, so it knows the write would replace it.
        var read = await session.CallAsync("read_text_file", Args(("path", Path.Combine(_files.Path, "notes.txt"))));
        Assert.False(read.IsError == true, Text(read));

        var write = await session.CallAsync("write_file", Args(("path", Path.Combine(_files.Path, "notes.txt")), ("content", "gone")));

        Assert.True(write.IsError, Text(write));
        Assert.Contains("no elicitation capability", Text(write));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(_files.Path, "notes.txt")));
    }

    [Fact]
    public async Task A_benign_call_returns_exactly_what_the_server_returns_directly()
    {
        File.WriteAllText(Path.Combine(_files.Path, "notes.txt"), "Meeting moved to Thursday.\nBring the slides.\n");
        var call = new CallToolRequestParams
        {
            Name = "read_text_file",
            Arguments = new Dictionary<string, JsonElement> { ["path"] = JsonSerializer.SerializeToElement(Path.Combine(_files.Path, "notes.txt")) },
        };

        await using var session = await GatewaySession.StartAsync(fixture, "files", FilesystemYaml);
        var proxied = await session.Client.CallToolAsync(call);
        await using var direct = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "direct",
            Command = "node",
            Arguments = [NodeServers.Filesystem, _files.Path],
        }), GatewaySession.ClientOptions());
        var expected = await direct.CallToolAsync(call);

        Assert.Equal(Serialize(expected), Serialize(proxied));
        Assert.Contains("Bring the slides.", Text(proxied));
        var decision = Assert.Single((await SnapshotAsync(session)).Decisions);
        Assert.Equal(("read_text_file", Verdict.Allow), (decision.Tool, decision.Verdict));
    }

    [Fact]
    public async Task A_structured_result_of_the_everything_server_comes_back_unchanged()
    {
        var call = new CallToolRequestParams
        {
            Name = "get-structured-content",
            Arguments = new Dictionary<string, JsonElement> { ["location"] = JsonSerializer.SerializeToElement("Chicago") },
        };
        await using var session = await GatewaySession.StartAsync(fixture, "everything", EverythingYaml);
        var proxied = await session.Client.CallToolAsync(call);
        await using var direct = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "direct",
            Command = "node",
            Arguments = [NodeServers.Everything, "stdio"],
        }), GatewaySession.ClientOptions());

        Assert.Equal(Serialize(await direct.CallToolAsync(call)), Serialize(proxied));
        Assert.NotNull(proxied.StructuredContent);
    }

    [Fact]
    public async Task Secrets_in_a_result_withhold_outbound_tools_and_a_later_outbound_call_is_denied()
    {
        await using var session = await GatewaySession.StartAsync(fixture, "everything", EverythingYaml);
        var before = await session.ToolNamesAsync();
        Assert.Contains("get-annotated-message", before);

        // The server hands its environment, API key included, to the agent: the session now holds a secret.
        var env = await session.CallAsync("get-env", Args());
        Assert.False(env.IsError == true, Text(env));
        Assert.Contains(ApiKeyValue, Text(env));
        await session.WaitForToolListChangedAsync();

        var snapshot = await SnapshotAsync(session);
        Assert.Contains("secrets", snapshot.View.Taint);
        Assert.DoesNotContain("get-annotated-message", await session.ToolNamesAsync());
        var send = await session.CallAsync("get-annotated-message", Args(("messageType", "success")));
        Assert.True(send.IsError, Text(send));
        Assert.Contains("SAFE-T1914", Text(send));
        Assert.Equal(Verdict.Deny, (await SnapshotAsync(session)).Decisions[^1].Verdict);
    }

    [Fact]
    public async Task Climbing_out_of_the_allowed_directory_is_denied_before_the_server_sees_it()
    {
        await using var session = await GatewaySession.StartAsync(fixture, "files", FilesystemYaml);

        var climb = await session.CallAsync("read_text_file", Args(("path", Path.Combine(_files.Path, "..", "..", "etc", "passwd"))));

        Assert.True(climb.IsError, Text(climb));
        Assert.Contains("SAFE-T1105", Text(climb));
        var decision = Assert.Single((await SnapshotAsync(session)).Decisions);
        Assert.Equal(Verdict.Deny, decision.Verdict);
    }

    internal static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    private static string Serialize(CallToolResult result) =>
        JsonSerializer.Serialize(result, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult)));

    private static ToolDescriptor Descriptor(Tool tool) => new(
        tool.Name, tool.Title, tool.Description, tool.InputSchema,
        tool.Annotations is { } a ? new SafeMcp.Contracts.ToolAnnotations(a.Title, a.ReadOnlyHint, a.DestructiveHint, a.IdempotentHint, a.OpenWorldHint) : null);

    public void Dispose() => _files.Dispose();
}
