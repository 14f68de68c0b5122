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
    public void Http_sessions_are_hybrid_with_an_idle_timeout_unless_the_file_says_otherwise()
    {
        const string Servers = "tenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n";

        var defaults = Read("silo: http://x\n" + Servers).Http;
        var stateless = Read("silo: http://x\nhttp:\n  mode: stateless\n" + Servers).Http;
        var shortIdle = Read("silo: http://x\nhttp:\n  sessionIdleTimeout: 90s\n" + Servers).Http;

        Assert.Equal((HttpSessionMode.Hybrid, TimeSpan.FromMinutes(30)), (defaults.Mode, defaults.SessionIdleTimeout));
        Assert.Equal(HttpSessionMode.Stateless, stateless.Mode);
        Assert.Equal((HttpSessionMode.Hybrid, TimeSpan.FromSeconds(90)), (shortIdle.Mode, shortIdle.SessionIdleTimeout));
        Assert.Equal(["localhost", "127.0.0.1", "[::1]"], defaults.AllowedHosts);
        Assert.Empty(defaults.AllowedOrigins);
    }

    [Theory]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        comand: node\n", "line 7: unknown key 'comand'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKeyEnv: MISSING_KEY\n    servers:\n      - name: s\n        command: node\n", "line 4: tenant 'a': the environment variable 'MISSING_KEY'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n        url: http://y\n", "line 6: server 's' needs exactly one of 'command'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n      - name: s\n        command: node\n", "line 8: the name 's' is used twice (first at line 6)")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        url: http://y\n        args: [a]\n", "line 8: server 's': 'args', 'env', 'inheritEnv' and 'cwd' apply to a 'command'")]
    [InlineData("silo: not a url\ntenants: []\n", "line 1: 'silo' is not an absolute URL")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: [node\n", "line 8: not valid YAML")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    apiKeyEnv: ACME_KEY\n    servers: []\n", "line 3: tenant 'a' needs exactly one of 'apiKey'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s/../x\n        command: node\n", "line 6: server name 's/../x' may hold only")]
    [InlineData("silo: http://x\nhttp:\n  mode: sticky\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n", "line 3: 'mode' must be 'hybrid', 'stateful' or 'stateless'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n    profiles:\n      - name: p\n        servers: [s, t]\n", "line 10: profile 'p': 't' is not a server of tenant 'a'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n    profiles:\n      - name: s\n        servers: [s]\n", "line 9: the name 's' is used twice")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n        inheritEnv: [SAFEMCP_ADMIN_KEY]\n", "line 8: server 's': 'inheritEnv' may not pass the gateway's own 'SAFEMCP_ADMIN_KEY'")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKeyEnv: ACME_KEY\n    servers:\n      - name: s\n        command: node\n        inheritEnv: [ACME_KEY]\n", "server 's': 'inheritEnv' may not pass a variable that holds a key")]
    [InlineData("silo: http://x\ntenants:\n  - name: a\n    apiKey: k\n    callers:\n      - name: c\n        key: short\n    servers:\n      - name: s\n        command: node\n", "line 6: caller 'c' of tenant 'a': a key must be at least 16 characters")]
    [InlineData("silo: http://x\nlogLevel: loud\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n", "line 2: 'logLevel' must be one of")]
    [InlineData("silo: http://x\nhttp:\n  sessionIdleTimeout: 10\ntenants:\n  - name: a\n    apiKey: k\n    servers:\n      - name: s\n        command: node\n", "line 3: 'sessionIdleTimeout' must be a positive duration")]
    public void Bad_configuration_is_an_error_naming_its_line(string yaml, string expected)
    {
        Assert.StartsWith(expected, ErrorOf(yaml), StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_fronts_several_servers_of_its_tenant_under_one_namespaced_endpoint()
    {
        var config = Read("""
            silo: http://127.0.0.1:5080
            logLevel: warning
            tenants:
              - name: acme
                apiKeyEnv: ACME_KEY
                callers:
                  - name: agent-1
                    key: a-caller-key-of-sixteen-chars
                servers:
                  - name: files
                    command: npx
                  - name: chat
                    url: https://chat.example.net/mcp
                profiles:
                  - name: work
                    servers: [files, chat]
                    instruction: Summarize the notes and tell the team.
            """);

        var work = config.Endpoint("work");
        Assert.Equal(("acme", "smk_from_env", true, "Summarize the notes and tell the team."), (work.Tenant, work.ApiKey, work.Namespaced, work.Instruction));
        Assert.Equal(["files", "chat"], work.Servers.Select(s => s.Name));
        Assert.False(config.Endpoint("files").Namespaced);
        Assert.Equal(["files", "chat", "work"], config.Endpoints.Select(e => e.Name));
        Assert.Equal(("agent-1", "acme"), (config.Callers.Single().Name, config.Callers.Single().Tenant));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, config.LogLevel);
        Assert.Contains("ACME_KEY", config.SecretVariables);
    }

    [Fact]
    public void An_upstream_gets_the_allowlisted_environment_and_never_the_gateways_keys()
    {
        var config = Read("""
            silo: http://x
            tenants:
              - name: acme
                apiKeyEnv: ACME_KEY
                servers:
                  - name: files
                    command: node
                    inheritEnv: [LANG_EXTRA]
                    env: { LOG_LEVEL: info }
            """);
        var gateway = new Dictionary<string, string> { ["LANG_EXTRA"] = "yes", ["SAFEMCP_ADMIN_KEY"] = "smk_admin", ["ACME_KEY"] = "smk_from_env", ["OTHER"] = "no" };

        var environment = SafeMcp.Gateway.Upstream.UpstreamEnvironment.For(config.Server("files"), config.SecretVariables, name => gateway.GetValueOrDefault(name));

        Assert.Equal(("yes", "info"), (environment["LANG_EXTRA"], environment["LOG_LEVEL"]));
        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("SAFEMCP_", StringComparison.Ordinal) || k is "ACME_KEY" or "OTHER");
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
