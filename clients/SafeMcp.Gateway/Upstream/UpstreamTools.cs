using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Gateway.Downstream;

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// The upstream server's tools as the gateway server's tool collection. Replacing the collection's content
/// makes the SDK send <c>notifications/tools/list_changed</c> to the downstream client(s); <see cref="Changed"/>
/// then lets the gateway refresh its sessions in the cluster.
/// </summary>
internal sealed partial class UpstreamTools(McpClient upstream, DownstreamClients downstream, ILogger<UpstreamTools> logger)
{
    private readonly SemaphoreSlim _reload = new(1, 1);

    /// <summary>The collection the gateway's server lists and calls.</summary>
    public McpServerPrimitiveCollection<McpServerTool> Collection { get; } = new();

    /// <summary>Raised after the collection took the upstream's new tools, with their definitions.</summary>
    public event Func<IReadOnlyList<Tool>, CancellationToken, Task>? Changed;

    /// <summary>The definitions in the collection now.</summary>
    public IReadOnlyList<Tool> Definitions => Collection.Select(t => t.ProtocolTool).ToArray();

    /// <summary>Reads the upstream's tools (every page) into the collection.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tools = (await upstream.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Select(t => t.ProtocolTool).ToArray();
            // One Changed event (one list_changed downstream) for the whole replacement.
            using (Collection.DeferChangedEvents())
            {
                Collection.Clear();
                foreach (var tool in tools)
                {
                    Collection.Add(new ProxyTool(upstream, downstream, tool));
                }
            }
            LogLoaded(tools.Length, string.Join(", ", tools.Select(t => t.Name)));
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>The upstream said its tools changed: reload them, then tell whoever listens.</summary>
    public async Task OnUpstreamListChangedAsync(CancellationToken cancellationToken)
    {
        LogUpstreamChanged();
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (Changed is { } changed)
        {
            await changed(Definitions, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream tools loaded ({Count}): {Names}")]
    private partial void LogLoaded(int count, string names);

    [LoggerMessage(Level = LogLevel.Information, Message = "The upstream server announced tools/list_changed; reloading its tools")]
    private partial void LogUpstreamChanged();
}
