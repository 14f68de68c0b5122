using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Client.Mcp.Results;
using SafeMcp.Client.Mcp.Sessions;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Gates;

/// <summary>Keeps the cluster's view of a session and the client's view of its tools in step.</summary>
internal sealed partial class SessionSync(SafeMcpHook hook, ILogger<SessionSync> logger)
{
    /// <summary>Opens the session with <paramref name="tools"/> (or refreshes them; the cluster ignores an unchanged definition).</summary>
    public async Task<SessionView> OpenAsync(SessionTracker session, IEnumerable<Tool> tools, CancellationToken cancellationToken)
    {
        var view = await hook.Client.OpenSessionAsync(
            new OpenSessionRequest(session.SessionId, hook.Options.Instruction, ToolDescriptors.From(tools), hook.Options.ServerName), cancellationToken).ConfigureAwait(false);
        session.IsOpen = true;
        return view;
    }

    /// <summary>
    /// Opens the session from the server's tool collection when a call comes before any <c>tools/list</c>
    /// of this process. An unreachable cluster is left to the decision, which fails closed.
    /// </summary>
    public async Task EnsureOpenAsync(MessageContext context, SessionTracker session, CancellationToken cancellationToken)
    {
        if (session.IsOpen)
        {
            return;
        }
        var tools = context.Server.ServerOptions.ToolCollection?.Select(t => t.ProtocolTool) ?? [];
        try
        {
            var view = await OpenAsync(session, tools, cancellationToken).ConfigureAwait(false);
            await AnnounceAsync(context, session, view.WithheldTools.Select(w => w.Name), cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e) when (e.IsUnavailable)
        {
            LogOpenFailed(e, session.SessionId);
        }
    }

    /// <summary>Records the withheld set and, when it changed, tells the client with <c>notifications/tools/list_changed</c>.</summary>
    public async Task AnnounceAsync(MessageContext context, SessionTracker session, IEnumerable<string> withheld, CancellationToken cancellationToken)
    {
        if (session.Observe(withheld))
        {
            LogToolsChanged(session.SessionId, string.Join(", ", session.Withheld));
            await context.Server.SendNotificationAsync(NotificationMethods.ToolListChangedNotification, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId} could not be opened, the cluster is unreachable")]
    private partial void LogOpenFailed(Exception error, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SafeMCP session {SessionId}: the visible tools changed; withheld now: [{Withheld}]")]
    private partial void LogToolsChanged(string sessionId, string withheld);
}
