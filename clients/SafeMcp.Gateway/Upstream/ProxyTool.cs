using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// One upstream tool as a tool of an endpoint: the upstream's definition under the endpoint's name for it
/// (namespaced on a profile), and a call (once the hook's gates let it through) forwarded under the upstream's own
/// name, its progress relayed, its result returned as is.
/// </summary>
internal sealed class ProxyTool(UpstreamConnection upstream, string upstreamName, Tool definition) : McpServerTool
{
    // The SDK's client puts this before the message of an error the server answered; a proxy hands the error on as it came.
    private const string RemotePrefix = "Request failed (remote): ";

    public override Tool ProtocolTool { get; } = definition;

    public override IReadOnlyList<object> Metadata { get; } = [];

    /// <summary>The upstream this tool belongs to.</summary>
    public UpstreamConnection Upstream => upstream;

    /// <summary>The tool's name upstream.</summary>
    public string UpstreamName => upstreamName;

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        var call = request.Params ?? throw new ArgumentException("tools/call without parameters.", nameof(request));
        var client = upstream.Require();
        // Only the name, the arguments and (through a token of the gateway's own) progress go upstream: the rest of
        // the downstream request's _meta belongs to the downstream connection. While it runs, a request of the
        // upstream (sampling, elicitation) is taken to be this client's.
        using var inFlight = upstream.Downstream.Enter(request.Server);
        var progress = call.ProgressToken is { } token ? new ProgressForwarder(request.Server, token) : null;
        var arguments = call.Arguments?.ToDictionary(a => a.Key, a => (object?)a.Value);
        try
        {
            return await client.CallToolAsync(upstreamName, arguments, progress, new RequestOptions { JsonSerializerOptions = McpJsonUtilities.DefaultOptions }, cancellationToken).ConfigureAwait(false);
        }
        catch (McpProtocolException e) when (e.Message.StartsWith(RemotePrefix, StringComparison.Ordinal))
        {
            throw new McpProtocolException(e.Message[RemotePrefix.Length..], e.ErrorCode);
        }
    }

    /// <summary>Relays the upstream's progress to the agent's client under the client's own token, in order.</summary>
    private sealed class ProgressForwarder(McpServer server, ProgressToken token) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) =>
            _ = server.NotifyProgressAsync(token, value, cancellationToken: CancellationToken.None);
    }
}
