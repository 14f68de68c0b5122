using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Gateway.Config;

namespace SafeMcp.Gateway.Upstream;

/// <summary>Connects an MCP client to an upstream server: a stdio command the gateway starts, or an HTTP URL.</summary>
internal static partial class UpstreamConnector
{
    /// <summary>The client identity the gateway shows upstream.</summary>
    public static Implementation ClientInfo { get; } = new() { Name = "safemcp-gateway", Version = "1.0.0" };

    /// <summary>
    /// Starts (or reaches) <paramref name="server"/> and completes the MCP handshake; <paramref name="onToolsChanged"/>
    /// runs on each <c>notifications/tools/list_changed</c> the upstream sends, and <paramref name="relay"/> passes
    /// everything else the upstream sends on its own to the agents' clients (null: nothing else is taken).
    /// </summary>
    public static async Task<McpClient> ConnectAsync(
        UpstreamServerConfig server, GatewayOptions options, ILoggerFactory loggers, UpstreamRelay? relay, Action onToolsChanged, IReadOnlySet<string> secretVariables,
        CancellationToken cancellationToken)
    {
        var log = loggers.CreateLogger("upstream." + server.Name);
        IClientTransport transport = server.Url is { } url
            ? new HttpClientTransport(new HttpClientTransportOptions { Name = server.Name, Endpoint = url, ConnectionTimeout = options.UpstreamConnectTimeout }, loggers)
            : new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = server.Name,
                Command = server.Command!,
                Arguments = [.. server.Arguments],
                // An explicit environment: the gateway's keys never reach an upstream.
                InheritEnvironmentVariables = false,
                EnvironmentVariables = UpstreamEnvironment.For(server, secretVariables, Environment.GetEnvironmentVariable),
                WorkingDirectory = server.WorkingDirectory,
                // The upstream's stderr is its log: keep it in the gateway's log, never on the protocol stream.
                StandardErrorLines = line => LogUpstreamLine(log, line),
            }, loggers);
        var clientOptions = new McpClientOptions
        {
            ClientInfo = ClientInfo,
            InitializationTimeout = options.UpstreamConnectTimeout,
            // Without a relay (the benchmark's direct client) the gateway claims nothing it would not answer.
            Capabilities = relay is null ? null : UpstreamRelay.Capabilities(server.Relay),
            Handlers = relay?.Handlers(onToolsChanged) ?? new McpClientHandlers(),
        };
        try
        {
            return await McpClient.CreateAsync(transport, clientOptions, loggers, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamUnreachableException($"Upstream server '{server.Name}' ({server.Url?.ToString() ?? server.Command}) could not be reached: {e.Message}", e);
        }
    }

    private static void LogUpstreamLine(ILogger log, string line) => LogLine(log, line);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger log, string line);
}
