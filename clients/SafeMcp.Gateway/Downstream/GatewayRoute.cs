using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Client.Mcp;
using SafeMcp.Gateway.Config;
using SafeMcp.Gateway.Upstream;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// One upstream server fronted by the gateway: the upstream client, its tools as the gateway server's tool
/// collection, its prompts, resources, completions and logging passed through (<see cref="UpstreamPassThrough"/>),
/// the agents' sessions it serves (<see cref="DownstreamClients"/>), and the server options with the SafeMCP hook
/// (<c>WithSafeMcp</c>) installed, so that the very gates of hooked C# servers decide every proxied
/// <c>tools/list</c> and <c>tools/call</c> and scan every resource and prompt the agent reads.
/// </summary>
internal sealed partial class GatewayRoute : IAsyncDisposable
{
    /// <summary>Key of the downstream request's session id in the JSON-RPC message's items (stateless HTTP).</summary>
    public const string SessionItem = "safemcp.gateway.session";

    private readonly McpClient _upstream;
    private readonly ServiceProvider _services;
    private readonly ILogger _log;
    private readonly ILoggerFactory _loggers;

    private GatewayRoute(UpstreamServerConfig server, McpClient upstream, UpstreamTools tools, DownstreamClients downstream, ServiceProvider services, ILoggerFactory loggers)
    {
        _loggers = loggers;
        Downstream = downstream;
        Server = server;
        _upstream = upstream;
        Tools = tools;
        _services = services;
        _log = loggers.CreateLogger<GatewayRoute>();
        ServerOptions = services.GetRequiredService<IOptions<McpServerOptions>>().Value;
        Sessions = services.GetRequiredService<SafeMcpSessions>();
        Tools.Changed += RefreshSessionsAsync;
    }

    /// <summary>The upstream server's configuration.</summary>
    public UpstreamServerConfig Server { get; }

    /// <summary>The upstream's tools.</summary>
    public UpstreamTools Tools { get; }

    /// <summary>Options of the gateway's MCP server for this upstream (tools, capabilities, the hook's filters).</summary>
    public McpServerOptions ServerOptions { get; }

    /// <summary>The services the hook's gates resolve.</summary>
    public IServiceProvider Services => _services;

    /// <summary>The hook's sessions.</summary>
    public SafeMcpSessions Sessions { get; }

    /// <summary>The agents' sessions this route serves.</summary>
    public DownstreamClients Downstream { get; }

    /// <summary>
    /// Counts a session's server as live (it hears the upstream's notifications) until the handle is disposed;
    /// then the upstream's subscriptions nobody needs any more are ended.
    /// </summary>
    public IAsyncDisposable Track(McpServer server) => Downstream.Track(server, UnsubscribeUpstreamAsync);

    /// <summary>Connects to the upstream, reads its tools and hooks the gateway's server into the cluster.</summary>
    public static async Task<GatewayRoute> StartAsync(
        GatewayConfig config, UpstreamServerConfig server, GatewayOptions options, string? sessionId, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        // One logger factory for the upstream client and the server's services, alive as long as the route.
        var loggers = LoggerFactory.Create(logging);
        var services = new ServiceCollection();
        services.AddSingleton(loggers);
        services.AddLogging();
        // The upstream may announce a change before its tools are first read: the reload waits for them.
        var loaded = new TaskCompletionSource<UpstreamTools>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = loggers.CreateLogger<GatewayRoute>();
        // The reload runs apart from the upstream's message loop, which must stay free to carry the tools/list answer.
        McpClient? upstream = null;
        UpstreamTools tools;
        var downstream = new DownstreamClients(options.NotificationSendTimeout, loggers.CreateLogger<DownstreamClients>());
        try
        {
            upstream = await UpstreamConnector.ConnectAsync(server, options, loggers, new UpstreamRelay(downstream),
                () => _ = Task.Run(async () => await ReloadAsync(await loaded.Task.ConfigureAwait(false), log).ConfigureAwait(false), CancellationToken.None),
                cancellationToken).ConfigureAwait(false);
            tools = new UpstreamTools(upstream, downstream, loggers.CreateLogger<UpstreamTools>());
            await tools.LoadAsync(cancellationToken).ConfigureAwait(false);
            loaded.SetResult(tools);
        }
        catch
        {
            // Nothing of a route that did not start outlives it: the upstream process and the log pipeline end here.
            if (upstream is not null)
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
            }
            await downstream.DisposeAsync().ConfigureAwait(false);
            loggers.Dispose();
            throw;
        }

        services.AddMcpServer(mcp =>
            {
                mcp.ServerInfo = new Implementation { Name = "safemcp-gateway:" + server.Name, Version = "1.0.0" };
                mcp.ServerInstructions = upstream.ServerInstructions;
                mcp.ToolCollection = tools.Collection;
                UpstreamPassThrough.Install(mcp, upstream, downstream);
            })
            .WithSafeMcp(hook =>
            {
                hook.BaseAddress = config.Silo;
                hook.ApiKey = server.ApiKey;
                hook.ServerName = server.Name;
                hook.Instruction = server.Instruction;
                hook.SessionId = sessionId;
                hook.SessionIdResolver = context =>
                    context.JsonRpcMessage.Context?.Items?.TryGetValue(SessionItem, out var id) == true ? id as string : null;
            });
        return new GatewayRoute(server, upstream, tools, downstream, services.BuildServiceProvider(), loggers);
    }

    private static async Task ReloadAsync(UpstreamTools tools, ILogger log)
    {
        try
        {
            await tools.OnUpstreamListChangedAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogReloadFailed(log, e.Message);
        }
    }

    private async Task RefreshSessionsAsync(IReadOnlyList<Tool> definitions, CancellationToken cancellationToken)
    {
        var refreshed = await Sessions.RefreshToolsAsync(definitions, cancellationToken).ConfigureAwait(false);
        LogRefreshed(_log, Server.Name, refreshed);
    }

    private async Task UnsubscribeUpstreamAsync(string uri)
    {
        try
        {
            await _upstream.UnsubscribeFromResourceAsync(new UnsubscribeRequestParams { Uri = uri }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is McpException or IOException or ObjectDisposedException)
        {
            LogUnsubscribeFailed(_log, uri, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Tools.Changed -= RefreshSessionsAsync;
        await Downstream.DisposeAsync().ConfigureAwait(false);
        await _upstream.DisposeAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        _loggers.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending the upstream's subscription to {Uri} failed: {Problem}")]
    private static partial void LogUnsubscribeFailed(ILogger log, string uri, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the upstream's tools failed: {Problem}")]
    private static partial void LogReloadFailed(ILogger log, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream '{Server}' changed its tools; {Count} session(s) refreshed in the cluster")]
    private static partial void LogRefreshed(ILogger log, string server, int count);
}
