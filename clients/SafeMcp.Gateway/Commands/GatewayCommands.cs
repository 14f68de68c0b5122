using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SafeMcp.Gateway.Bench;
using SafeMcp.Gateway.Config;
using SafeMcp.Gateway.Downstream;
using SafeMcp.Gateway.Upstream;

namespace SafeMcp.Gateway.Commands;

/// <summary>The gateway's commands: serve over stdio, serve over HTTP.</summary>
internal static class GatewayCommands
{
    /// <summary>Exit code of a bad configuration or argument.</summary>
    public const int BadConfiguration = 2;

    /// <summary>Exit code when an upstream cannot be reached.</summary>
    public const int UpstreamUnreachable = 3;

    /// <summary>Exit code when a benchmark call is refused or fails.</summary>
    public const int BenchmarkFailed = 4;

    public static Option<string> Config() => new("--config")
    {
        Description = "The gateway's YAML configuration (silo, tenants, upstream servers).",
        Required = true,
    };

    public static Option<string> Server() => new("--server")
    {
        Description = "The name of the upstream server, or of the profile, (from the configuration) to front.",
        Required = true,
    };

    /// <summary>Every log line goes to stderr (on stdio, stdout carries the protocol), at the configuration's level.</summary>
    public static Action<ILoggingBuilder> Logging(GatewayConfig config) => logging =>
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(config.LogLevel);

    public static Command Stdio()
    {
        var config = Config();
        var server = Server();
        var sessionId = new Option<string?>("--session-id")
        {
            Description = "The SafeMCP session id of this process (default: SAFEMCP_SESSION_ID, else stdio-<guid>).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SAFEMCP_SESSION_ID") is { Length: > 0 } id ? id : null,
        };
        var command = new Command("stdio", "Front one upstream server, or a profile's servers, for an MCP client that starts the gateway (stdin/stdout).") { config, server, sessionId };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, async (gateway, options) =>
        {
            var endpoint = gateway.Endpoint(parse.GetValue(server)!);
            using var loggers = LoggerFactory.Create(Logging(gateway));
            var processSession = parse.GetValue(sessionId) ?? $"stdio-{Guid.NewGuid():N}";
            await using var host = await GatewayHost.StartAsync(gateway, [endpoint], options, SessionIdentity.Stdio(processSession), loggers).ConfigureAwait(false);
            await StdioDownstream.RunAsync(host.Endpoints[endpoint.Name], loggers, ct).ConfigureAwait(false);
        }));
        return command;
    }

    public static Command Http()
    {
        var config = Config();
        var urls = new Option<string>("--urls")
        {
            Description = "Where Kestrel listens, e.g. http://127.0.0.1:8090 (';' separates several).",
            DefaultValueFactory = _ => "http://127.0.0.1:8090",
        };
        var command = new Command("http", "Serve every configured server and profile over Streamable HTTP at /mcp/{name} (see the YAML's 'http' section).") { config, urls };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, async (gateway, options) =>
        {
            if (gateway.Callers.Count == 0)
            {
                throw new GatewayConfigException("the http command needs at least one caller (a tenant's 'callers'): every HTTP request is authenticated.");
            }
            using var loggers = LoggerFactory.Create(Logging(gateway));
            await using var host = await GatewayHost.StartAsync(gateway, [.. gateway.Endpoints], options, SessionIdentity.Http(), loggers).ConfigureAwait(false);
            await using var app = HttpDownstream.Build(host.Endpoints, gateway, options, parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Logging(gateway));
            await app.StartAsync(ct).ConfigureAwait(false);
            // Tests and operators wait for this line to know the port is open.
            await Console.Error.WriteLineAsync($"safemcp-gateway listening on {string.Join(", ", app.Urls)}").ConfigureAwait(false);
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
        }));
        return command;
    }

    public static Command Bench()
    {
        var config = Config();
        var server = Server();
        var tool = new Option<string>("--tool") { Description = "A benign tool of the upstream server the cluster allows.", Required = true };
        var arguments = new Option<string>("--arguments") { Description = "The call's arguments as a JSON object.", DefaultValueFactory = _ => "{}" };
        var vary = new Option<string?>("--vary") { Description = "A string argument that gets the call's number appended (identical repeated calls count as a loop)." };
        var calls = new Option<int>("--calls") { Description = "Measured calls on each path.", DefaultValueFactory = _ => 500 };
        var warmup = new Option<int>("--warmup") { Description = "Calls made first and not measured (JIT, connections).", DefaultValueFactory = _ => 50 };
        var command = new Command("bench", "Prints proxied vs direct tool-call latency (p50, p99) and their ratio.") { config, server, tool, arguments, vary, calls, warmup };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, async (gateway, _) =>
        {
            Dictionary<string, System.Text.Json.JsonElement> args;
            try
            {
                args = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(parse.GetValue(arguments)!) ?? [];
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new GatewayConfigException($"--arguments is not a JSON object: {e.Message}", e);
            }
            if (parse.GetValue(calls) < 1 || parse.GetValue(warmup) < 0)
            {
                throw new GatewayConfigException("--calls must be at least 1 and --warmup at least 0.");
            }
            await OverheadBenchmark.RunAsync(new GatewayConfigPath(Path.GetFullPath(parse.GetValue(config)!)), gateway, gateway.Server(parse.GetValue(server)!),
                parse.GetValue(tool)!, args, parse.GetValue(vary), parse.GetValue(calls), parse.GetValue(warmup), Console.Out, ct).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> RunAsync(string configPath, Func<GatewayConfig, GatewayOptions, Task> serve)
    {
        GatewayConfig gateway;
        try
        {
            gateway = GatewayConfigReader.ReadFile(configPath, Environment.GetEnvironmentVariable);
        }
        catch (GatewayConfigException e)
        {
            await Console.Error.WriteLineAsync("safemcp-gateway: bad configuration: " + e.Message).ConfigureAwait(false);
            return BadConfiguration;
        }
        try
        {
            await serve(gateway, new GatewayOptions()).ConfigureAwait(false);
            return 0;
        }
        catch (GatewayConfigException e)
        {
            await Console.Error.WriteLineAsync("safemcp-gateway: " + e.Message).ConfigureAwait(false);
            return BadConfiguration;
        }
        catch (UpstreamUnreachableException e)
        {
            await Console.Error.WriteLineAsync("safemcp-gateway: " + e.Message).ConfigureAwait(false);
            return UpstreamUnreachable;
        }
        catch (BenchmarkRefusedException e)
        {
            await Console.Error.WriteLineAsync("safemcp-gateway: " + e.Message).ConfigureAwait(false);
            return BenchmarkFailed;
        }
    }
}
