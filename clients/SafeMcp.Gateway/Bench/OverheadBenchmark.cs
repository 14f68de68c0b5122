using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Gateway.Config;
using SafeMcp.Gateway.Upstream;

namespace SafeMcp.Gateway.Bench;

/// <summary>
/// Measures what the gateway costs: the same tool call, sequentially, against the upstream server directly and
/// through a <c>safemcp-gateway stdio</c> child process (cluster decision and outcome report included).
/// </summary>
internal static class OverheadBenchmark
{
    public static async Task RunAsync(GatewayConfigPath config, GatewayConfig gateway, UpstreamServerConfig server, string tool, IDictionary<string, JsonElement> arguments, string? vary,
        int calls, int warmup, TextWriter output, CancellationToken cancellationToken)
    {
        if (vary is not null && (!arguments.TryGetValue(vary, out var varied) || varied.ValueKind != JsonValueKind.String))
        {
            throw new GatewayConfigException($"--vary names '{vary}', which is not a string argument of the call.");
        }
        var call = new BenchCall(tool, arguments, vary);
        await using (var direct = await UpstreamConnector.ConnectAsync(server, new GatewayOptions(), NullLoggerFactory.Instance, relay: null, () => { }, gateway.SecretVariables, cancellationToken).ConfigureAwait(false))
        {
            var samples = await MeasureAsync(direct, call, calls, warmup, cancellationToken).ConfigureAwait(false);
            Report(output, "direct", LatencyStats.Of(samples), null);
            await using var proxied = await McpClient.CreateAsync(GatewayProcess(config, server), new McpClientOptions { ClientInfo = UpstreamConnector.ClientInfo }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var proxiedSamples = await MeasureAsync(proxied, call, calls, warmup, cancellationToken).ConfigureAwait(false);
            Report(output, "proxied", LatencyStats.Of(proxiedSamples), LatencyStats.Of(samples));
        }
    }

    private static async Task<List<TimeSpan>> MeasureAsync(McpClient client, BenchCall call, int calls, int warmup, CancellationToken cancellationToken)
    {
        var samples = new List<TimeSpan>(calls);
        for (var i = 0; i < warmup + calls; i++)
        {
            var request = call.Request(i);
            var started = Stopwatch.GetTimestamp();
            var result = await client.CallToolAsync(request, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (result.IsError == true)
            {
                var text = string.Join(" ", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
                throw new BenchmarkRefusedException($"The benchmark call failed (pick a benign tool the cluster allows): {text}");
            }
            if (i >= warmup)
            {
                samples.Add(elapsed);
            }
        }
        return samples;
    }

    private static void Report(TextWriter output, string label, LatencyStats stats, LatencyStats? baseline)
    {
        var line = $"{label,-8} p50 {stats.P50Ms,8:F3} ms  p99 {stats.P99Ms,8:F3} ms  mean {stats.MeanMs,8:F3} ms";
        if (baseline is not null)
        {
            line += $"  ratio p50 {stats.P50Ms / baseline.P50Ms:F2}x  p99 {stats.P99Ms / baseline.P99Ms:F2}x";
        }
        output.WriteLine(line);
    }

    /// <summary>This very program, started as <c>stdio</c> for <paramref name="server"/>.</summary>
    private static StdioClientTransport GatewayProcess(GatewayConfigPath config, UpstreamServerConfig server)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        List<string> arguments = [];
        // Run through the dotnet host (dotnet safemcp-gateway.dll) or as the apphost itself.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            arguments.Add(typeof(OverheadBenchmark).Assembly.Location);
        }
        arguments.AddRange(["stdio", "--config", config.Path, "--server", server.Name, "--session-id", $"bench-{Guid.NewGuid():N}"]);
        return new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "gateway",
            Command = host,
            Arguments = arguments,
            // Keep the gateway's log out of the figures' output.
            StandardErrorLines = _ => { },
        }, NullLoggerFactory.Instance);
    }
}

/// <summary>
/// The measured call. The cluster flags identical repeated calls as a loop (SAFE-T1106), so the string argument
/// named by <c>--vary</c> gets the call's number appended, as distinct real calls would differ.
/// </summary>
internal sealed record BenchCall(string Tool, IDictionary<string, JsonElement> Arguments, string? Vary)
{
    public CallToolRequestParams Request(int number)
    {
        var arguments = new Dictionary<string, JsonElement>(Arguments);
        if (Vary is not null)
        {
            arguments[Vary] = JsonSerializer.SerializeToElement($"{Arguments[Vary].GetString()} {number}");
        }
        return new CallToolRequestParams { Name = Tool, Arguments = arguments };
    }
}

/// <summary>The configuration file's path, handed to the child gateway.</summary>
internal sealed record GatewayConfigPath(string Path);
