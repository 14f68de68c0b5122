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
            new OpenSessionRequest(session.SessionId, hook.Options.Instruction, ToolDescriptors.From(tools), hook.ServerName), cancellationToken).ConfigureAwait(false);
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
            await AnnounceAsync(context, session, OwnWithheld(view), cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e) when (e.IsUnavailable)
        {
            LogOpenFailed(session.SessionId, e.Message);
        }
    }

    /// <summary>The names of this server's tools withheld in <paramref name="view"/> (a view of the session may hold other servers' tools too).</summary>
    public IEnumerable<string> OwnWithheld(SessionView view) =>
        view.WithheldTools.Where(w => (w.Server ?? SessionKeys.DefaultServer) == hook.ServerName).Select(w => w.Name);

    /// <summary>
    /// After a decision: when the session's withheld set changed (it spans every server of the session), reads this
    /// server's slice again and announces a change of it.
    /// </summary>
    public async Task AnnounceAfterDecisionAsync(MessageContext context, SessionTracker session, Decision decision, CancellationToken cancellationToken)
    {
        if (!session.ObserveSessionWithheld(decision.WithheldTools))
        {
            return;
        }
        var view = await hook.Client.GetToolsAsync(session.SessionId, hook.ServerName, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(context, session, OwnWithheld(view), cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId} could not be opened, the cluster is unreachable: {Problem}")]
    private partial void LogOpenFailed(string sessionId, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "SafeMCP session {SessionId}: the visible tools changed; withheld now: [{Withheld}]")]
    private partial void LogToolsChanged(string sessionId, string withheld);
}
