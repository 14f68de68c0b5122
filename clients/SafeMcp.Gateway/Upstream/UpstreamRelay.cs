using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Gateway.Downstream;

// Sampling, roots and logging are deprecated as of MCP 2026-07-28, but the servers a gateway fronts still use
// them (the reference servers do): a proxy passes them on for as long as the SDK carries them.
#pragma warning disable MCP9005

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// What the gateway's client of the upstream does with what the upstream sends on its own: list changes,
/// resource updates and log messages go to the agents' clients; the upstream's requests (sampling, its own
/// elicitation, roots) go to the one agent's client they belong to, when that client supports them.
/// </summary>
internal sealed class UpstreamRelay(DownstreamClients downstream)
{
    /// <summary>
    /// What the gateway declares upstream: only what the configuration's <c>relay</c> names (sampling, elicitation,
    /// roots), since one upstream serves agents whose clients may lack them. A request for a capability the agent's
    /// client lacks is still answered with an error.
    /// </summary>
    public static ClientCapabilities Capabilities(IReadOnlySet<string> relay) => new()
    {
        Sampling = relay.Contains("sampling") ? new SamplingCapability() : null,
        Elicitation = relay.Contains("elicitation") ? new ElicitationCapability { Form = new FormElicitationCapability(), Url = new UrlElicitationCapability() } : null,
        Roots = relay.Contains("roots") ? new RootsCapability { ListChanged = true } : null,
    };

    /// <summary>The upstream client's handlers; <paramref name="onToolsChanged"/> runs on the upstream's <c>tools/list_changed</c>.</summary>
    public McpClientHandlers Handlers(Action onToolsChanged) => new()
    {
        NotificationHandlers =
        [
            new(NotificationMethods.ToolListChangedNotification, (_, _) =>
            {
                onToolsChanged();
                return ValueTask.CompletedTask;
            }),
            new(NotificationMethods.PromptListChangedNotification, Forward),
            new(NotificationMethods.ResourceListChangedNotification, Forward),
            new(NotificationMethods.LoggingMessageNotification, Forward),
            new(NotificationMethods.ResourceUpdatedNotification, (notification, _) =>
            {
                // Only the sessions that subscribed to the resource hear of its update.
                if (notification.Params?["uri"]?.GetValue<string>() is { } uri)
                {
                    downstream.Post(notification, uri);
                }
                return ValueTask.CompletedTask;
            }),
        ],
        SamplingHandler = (request, _, cancellationToken) =>
            Requester("sampling", c => c.Sampling is not null).SampleAsync(request ?? throw Invalid("sampling/createMessage"), cancellationToken),
        ElicitationHandler = (request, cancellationToken) =>
            Requester("elicitation", c => c.Elicitation is not null).ElicitAsync(request ?? throw Invalid("elicitation/create"), cancellationToken),
        RootsHandler = (request, cancellationToken) =>
            Requester("roots", c => c.Roots is not null).RequestRootsAsync(request ?? new ListRootsRequestParams(), cancellationToken),
    };

    private ValueTask Forward(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        downstream.Post(notification);
        return ValueTask.CompletedTask;
    }

    private McpServer Requester(string capability, Func<ClientCapabilities, bool> supports)
    {
        var client = downstream.Requester()
            ?? throw new McpProtocolException(
                $"The gateway cannot tell which agent's client this {capability} request is for (none, or several, have a request in flight); it is not forwarded.",
                McpErrorCode.InvalidRequest);
        return client.ClientCapabilities is { } capabilities && supports(capabilities)
            ? client
            : throw new McpProtocolException($"The agent's MCP client does not support {capability}.", McpErrorCode.InvalidRequest);
    }

    private static McpProtocolException Invalid(string method) => new($"{method} without parameters.", McpErrorCode.InvalidParams);
}
