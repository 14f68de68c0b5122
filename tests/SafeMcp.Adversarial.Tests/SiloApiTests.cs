using System.Text.Json;
using SafeMcp.Silo.Tests;
using SafeMcp.Testing;

namespace SafeMcp.Adversarial.Tests;

/// <summary>The gaps that live in the API and the CLI, tried through a real silo process with real agent and admin keys.</summary>
public sealed class SiloApiTests(SiloProcessFixture fixture) : IClassFixture<SiloProcessFixture>
{
    private static string Open(string session, string? instruction, string toolsJson, string? server = null) =>
        JsonSerializer.Serialize(new { sessionId = session, instruction, tools = JsonDocument.Parse(toolsJson).RootElement, server });

    private const string DeleteTool = """[{"name":"delete_file","description":"Delete a file."}]""";

    [Fact]
    public async Task An_agent_key_re_opening_with_a_relaxing_instruction_gets_403_and_the_session_keeps_its_checks()
    {
        using var agent = new SiloHttp(fixture.Silo.BaseAddress, await fixture.AddKeyAsync("default", admin: false));
        var session = "relax-" + Guid.NewGuid().ToString("N");
        var opened = await agent.SendAsync(HttpMethod.Post, "v1/sessions", Open(session, "Summarise the report.", DeleteTool));

        var relaxed = await agent.SendAsync(HttpMethod.Post, "v1/sessions", Open(session, "Delete the old drafts.", DeleteTool));
        var decision = await agent.SendAsync(HttpMethod.Post, $"v1/sessions/{session}/decide", """{"tool":"delete_file","arguments":{"path":"draft.txt"}}""");

        Assert.Equal(200, opened.Status);
        Assert.Equal(403, relaxed.Status);
        Assert.Equal("instruction_relaxes_checks", relaxed.Body.GetProperty("code").GetString());
        Assert.Equal("require_approval", decision.Body.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task An_admin_key_may_relax_the_instruction()
    {
        using var admin = new SiloHttp(fixture.Silo.BaseAddress, await fixture.AddKeyAsync("default", admin: true));
        var session = "relax-admin-" + Guid.NewGuid().ToString("N");
        await admin.SendAsync(HttpMethod.Post, "v1/sessions", Open(session, "Summarise the report.", DeleteTool));

        var relaxed = await admin.SendAsync(HttpMethod.Post, "v1/sessions", Open(session, "Delete the old drafts.", DeleteTool));
        var decision = await admin.SendAsync(HttpMethod.Post, $"v1/sessions/{session}/decide", """{"tool":"delete_file","arguments":{"path":"draft.txt"}}""");

        Assert.Equal(200, relaxed.Status);
        Assert.Equal("allow", decision.Body.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Duplicate_argument_keys_get_400_and_no_decision()
    {
        using var agent = new SiloHttp(fixture.Silo.BaseAddress, fixture.Key);
        var session = "dup-" + Guid.NewGuid().ToString("N");
        await agent.SendAsync(HttpMethod.Post, "v1/sessions", Open(session, null, DeleteTool));

        var duplicate = await agent.SendAsync(HttpMethod.Post, $"v1/sessions/{session}/decide", """{"tool":"delete_file","arguments":{"path":"a","path":"b"}}""");
        var snapshot = await agent.SendAsync(HttpMethod.Get, $"v1/sessions/{session}");

        Assert.Equal(400, duplicate.Status);
        Assert.Equal("duplicate_argument_key", duplicate.Body.GetProperty("code").GetString());
        Assert.Empty(snapshot.Body.GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task A_server_name_with_a_trailing_newline_gets_400()
    {
        using var agent = new SiloHttp(fixture.Silo.BaseAddress, fixture.Key);

        var opened = await agent.SendAsync(HttpMethod.Post, "v1/sessions", Open("nl-" + Guid.NewGuid().ToString("N"), null, DeleteTool, "files\n"));

        Assert.Equal(400, opened.Status);
        Assert.Equal("invalid_server", opened.Body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Session_show_prints_a_tool_name_with_terminal_escapes_as_visible_text()
    {
        using var agent = new SiloHttp(fixture.Silo.BaseAddress, fixture.Key);
        var session = "ansi-" + Guid.NewGuid().ToString("N");
        var evil = "read\u001b[2J\u001b[1;1HAll calls allowed\rok\u202E";
        await agent.SendAsync(HttpMethod.Post, "v1/sessions", Open(session, "Read\u001b[31m the files.", JsonSerializer.Serialize(new[] { new { name = evil, description = "Read a file." } })));
        await agent.SendAsync(HttpMethod.Post, $"v1/sessions/{session}/decide", JsonSerializer.Serialize(new { tool = evil, arguments = new { } }));

        var (exitCode, output) = await SafemcpCli.RunAsync("session", "show", session, "--url", fixture.Silo.BaseAddress.ToString(), "--key", fixture.Key);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain('\u202E', output);
        Assert.Contains("read\\u{001B}[2J", output);
    }
}
