using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Gateway.Downstream;

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// One upstream tool as a tool of the gateway's server: the definition is the upstream's, unchanged, and a
/// call (once the hook's gates let it through) is forwarded as is and its result returned as is.
/// </summary>
internal sealed class ProxyTool(McpClient upstream, DownstreamClients downstream, Tool definition) : McpServerTool
{
    public override Tool ProtocolTool { get; } = definition;

    public override IReadOnlyList<object> Metadata { get; } = [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        var call = request.Params ?? throw new ArgumentException("tools/call without parameters.", nameof(request));
        // Only the name and the arguments go upstream: the downstream request's _meta (progress tokens,
        // task hints) belongs to the downstream connection. While it runs, a request of the upstream (sampling,
        // elicitation) is taken to be this client's.
        using var inFlight = downstream.Enter(request.Server);
        return await upstream.CallToolAsync(new CallToolRequestParams { Name = call.Name, Arguments = call.Arguments }, cancellationToken).ConfigureAwait(false);
    }
}
