using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Gateway.Config;
using SafeMcp.Gateway.Supervision;
using SafeMcp.Gateway.Upstream;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// One MCP endpoint of the gateway: a single upstream (per-route mode: its tools, prompts, resources, completions and
/// logging passed through, names unchanged) or a profile's upstreams (aggregated: their tools namespaced), supervised
/// as one session per agent (<see cref="EndpointSupervisor"/>). It configures the server of every session it serves.
/// </summary>
internal sealed class GatewayEndpoint : IDisposable
{
    private readonly EndpointSupervisor _supervisor;

    public GatewayEndpoint(EndpointConfig config, Uri silo, IReadOnlyList<UpstreamConnection> upstreams, Func<MessageContext, string> sessionOf, ApprovalStates states, ILoggerFactory loggers)
    {
        Config = config;
        Tools = new EndpointTools(upstreams, config.Namespaced);
        _supervisor = new EndpointSupervisor(config, silo, Tools, sessionOf, states, loggers.CreateLogger<EndpointSupervisor>());
    }

    /// <summary>What the endpoint fronts.</summary>
    public EndpointConfig Config { get; }

    /// <summary>The endpoint's tools.</summary>
    public EndpointTools Tools { get; }

    /// <summary>Checks the tenant's key with the silo (a wrong one is a configuration error).</summary>
    public Task CheckKeyAsync(CancellationToken cancellationToken) => _supervisor.CheckKeyAsync(cancellationToken);

    /// <summary>Sets up the server of one session (stdio, a stateful HTTP session, or one stateless request).</summary>
    public void Configure(McpServerOptions options)
    {
        options.ServerInfo = new Implementation { Name = "safemcp-gateway:" + Config.Name, Version = "1.0.0" };
        options.ToolCollection = Tools.Collection;
        options.Capabilities ??= new ServerCapabilities();
        // The gateway announces changes of the visible tool set (an upstream's change, or the session's withheld set).
        options.Capabilities.Tools = new ToolsCapability { ListChanged = true };
        if (!Config.Namespaced)
        {
            options.ServerInstructions = Tools.Upstreams[0].Client?.ServerInstructions;
            UpstreamPassThrough.Install(options, Tools.Upstreams[0]);
        }
        _supervisor.Install(options);
    }

    /// <summary>
    /// Counts a session's server as live on every upstream (it hears their notifications and takes their requests)
    /// until the handle is disposed; then the upstream subscriptions nobody needs any more are ended.
    /// </summary>
    public IAsyncDisposable Track(McpServer server) =>
        new Tracked([.. Tools.Upstreams.Select(u => u.Downstream.Track(server, u.UnsubscribeAsync))]);

    public void Dispose() => _supervisor.Dispose();

    private sealed class Tracked(IReadOnlyList<IAsyncDisposable> handles) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var handle in handles)
            {
                await handle.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
