using System.Diagnostics;
using SafeMcp.Gateway.Config;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>The YAML configuration: what it accepts, and errors that name the line.</summary>
public sealed class GatewayConfigTests
{
    private static readonly Dictionary<string, string> s_environment = new() { ["ACME_KEY"] = "smk_from_env" };

    private static GatewayConfig Read(string yaml) => GatewayConfigReader.Read(yaml, name => s_environment.GetValueOrDefault(name));

    private static string ErrorOf(string yaml) => Assert.Throws<GatewayConfigException>(() => Read(yaml)).Message;

    [Fact]
    public void Stdio_and_http_servers_of_several_tenants_are_read()
    {
        var config = Read("""
            silo: http://127.0.0.1:5080
            tenants:
              - name: acme
                apiKeyEnv: ACME_KEY
                servers:
                  - name: files
                    command: npx
                    args: ["-y", "@modelcontextprotocol/server-filesystem", "docs"]
                    env: { LOG_LEVEL: info }
                    instruction: Summarize the docs.
              - name: globex
                apiKey: smk_literal
                servers:
                  - name: wiki
                    url: https://wiki.example.net/mcp
            """);

        Assert.Equal(new Uri("http://127.0.0.1:5080"), config.Silo);
        var files = config.Server("files");
        Assert.Equal(("acme", "smk_from_env", "npx", "Summarize the docs."), (files.Tenant, files.ApiKey, files.Command, files.Instruction));
        Assert.Equal(["-y", "@modelcontextprotocol/server-filesystem", "docs"], files.Arguments);
        Assert.Equal("info", files.Environment["LOG_LEVEL"]);
        var wiki = config.Server("wiki");
        Assert.Equal(("globex", "smk_literal", new Uri("https://wiki.example.net/mcp")), (wiki.Tenant, wiki.ApiKey, wiki.Url));
        Assert.Null(wiki.Command);
    }

    [Fact]
    public void Http_sessions_are_stateful_with_an_idle_timeout_unless_the_file_says_otherwise()
    {
        const string Servers = "tenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n";

        var defaults = Read("silo: http://x\n" + Servers).Http;
        var stateless = Read("silo: http://x\nhttp:\n  mode: stateless\n" + Servers).Http;
        var shortIdle = Read("silo: http://x\nhttp:\n  sessionIdleTimeout: 90s\n" + Servers).Http;

        Assert.Equal((true, TimeSpan.FromMinutes(30)), (defaults.Stateful, defaults.SessionIdleTimeout));
        Assert.False(stateless.Stateful);
        Assert.Equal((true, TimeSpan.FromSeconds(90)), (shortIdle.Stateful, shortIdle.SessionIdleTimeout));
    }

    [Theory]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        comand: node\n", "line 7: unknown key 'comand'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKeyEnv: MISSING_KEY\n    servers:\n      - name: s\n        command: node\n", "line 4: tenant 'a': the environment variable 'MISSING_KEY'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n        url: http://y\n", "line 6: server 's' needs exactly one of 'command'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n      - name: s\n        command: node\n", "line 8: server name 's' is used twice (first at line 6)")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        url: http://y\n        args: [a]\n", "line 8: server 's': 'args', 'env' and 'cwd' apply to a 'command'")]
    [InlineData("silo: not a url\ntenants: []\n", "line 1: 'silo' is not an absolute URL")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: [node\n", "line 8: not valid YAML")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    apiKeyEnv: ACME_KEY\n    servers: []\n", "line 3: tenant 'a' needs exactly one of 'apiKey'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s/../x\n        command: node\n", "line 6: server name 's/../x' may hold only")]
    [InlineData("silo: http://x\nhttp:\n  mode: sticky\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n", "line 3: 'mode' must be 'stateful' or 'stateless'")]
    [InlineData("silo: http://x\nhttp:\n  sessionIdleTimeout: 10\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n", "line 3: 'sessionIdleTimeout' must be a positive duration")]
    public void Bad_configuration_is_an_error_naming_its_line(string yaml, string expected)
    {
        Assert.StartsWith(expected, ErrorOf(yaml), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_refuses_to_start_on_a_bad_configuration_and_names_the_file_and_line()
    {
        using var directory = new TempDirectory("safemcp-gateway-config");
        var path = Path.Combine(directory.Path, "gateway.yaml");
        File.WriteAllText(path, "silo: http://127.0.0.1:1\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n        timeout: 3\n");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList = { RepositoryPaths.BuiltAssembly("clients/SafeMcp.Gateway", "safemcp-gateway"), "stdio", "--config", path, "--server", "s" },
        };
        using var gateway = Process.Start(start)!;
        var stderr = gateway.StandardError.ReadToEndAsync();
        var stdout = await gateway.StandardOutput.ReadToEndAsync();
        await gateway.WaitForExitAsync();

        Assert.Equal(2, gateway.ExitCode);
        Assert.Contains($"{path}:line 8: unknown key 'timeout'", await stderr);
        Assert.Equal("", stdout);
    }
}
