using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>The official reference MCP servers (Node, written by others) behind the gateway, driven by a real MCP client.</summary>
public sealed class ReferenceServerTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private const string Secrets = "DATABASE_URL=postgres://app@db/app\nAPI_KEY=sk-live-0123456789abcdefghijklmnop\n";
    private readonly TempDirectory _files = new("safemcp-gateway-files");

    private string FilesystemYaml => $"""
              - name: files
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_files.Path)}]
                instruction: Tidy up the project notes.
        """;

    private string EverythingYaml => $"""
              - name: everything
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Everything)}, stdio]
        """;

    private async Task<SafeMcp.Contracts.SessionSnapshot> SnapshotAsync(GatewaySession session)
    {
        using var client = fixture.NewClient();
        return await client.GetSessionAsync(session.SessionId);
    }

    [Fact]
    public async Task Explore()
    {
        File.WriteAllText(Path.Combine(_files.Path, "notes.txt"), "Meeting moved to Thursday.");
        await using var session = await GatewaySession.StartAsync(fixture, "everything", EverythingYaml);
        var tools = await session.ToolsAsync();
        foreach (var t in tools) Console.WriteLine($"TOOL {t.Name}: {t.Description} {t.InputSchema} {JsonSerializer.Serialize(t.Annotations)}");
        var snap = await SnapshotAsync(session);
        Console.WriteLine(JsonSerializer.Serialize(snap));
        Assert.Fail(session.Log);
    }

    public void Dispose() => _files.Dispose();
}
