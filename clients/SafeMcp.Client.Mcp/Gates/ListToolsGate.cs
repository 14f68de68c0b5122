using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SafeMcp.Client.Mcp.Gates;

/// <summary>
/// The <c>tools/list</c> filter: opens (or refreshes) the session in the cluster with the server's real
/// tools, and hides the tools the session may not see.
/// </summary>
internal sealed partial class ListToolsGate(SafeMcpHook hook, SessionSync sync, ILogger<ListToolsGate> logger)
{
    public async ValueTask<ListToolsResult> InvokeAsync(
        RequestContext<ListToolsRequestParams> context, McpRequestHandler<ListToolsRequestParams, ListToolsResult> next, CancellationToken cancellationToken)
    {
        var result = await next(context, cancellationToken).ConfigureAwait(false);
        var session = hook.Sessions.For(context);
        try
        {
            var view = await sync.OpenAsync(session, result.Tools, cancellationToken).ConfigureAwait(false);
            // The client is reading the list now: record the set without announcing it.
            session.Observe(sync.OwnWithheld(view));
        }
        catch (SafeMcpException e) when (e.IsUnavailable)
        {
            // Visibility is advisory; every call is still decided (and denied while the cluster is away).
            LogUnavailable(session.SessionId, e.Message);
        }
        catch (SafeMcpException e)
        {
            throw new McpException($"SafeMCP refused to open session '{session.SessionId}': {e.Message}", e);
        }

        var withheld = session.Withheld;
        if (withheld.Count > 0)
        {
            result.Tools = result.Tools.Where(t => !withheld.Contains(t.Name)).ToList();
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: the cluster is unreachable, tools/list hides the tools last known withheld: {Problem}")]
    private partial void LogUnavailable(string sessionId, string problem);
}
