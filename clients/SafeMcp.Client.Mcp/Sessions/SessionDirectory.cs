using System.Collections.Concurrent;
using ModelContextProtocol.Server;

namespace SafeMcp.Client.Mcp.Sessions;

/// <summary>
/// Maps an MCP request to its SafeMCP session: the session key the agent host gave it (the request's <c>_meta</c>
/// field <c>io.safemcp/session</c>, <see cref="SafeMcpOptions.SessionIdResolver"/>, <see cref="SafeMcpOptions.SessionId"/>
/// or <c>SAFEMCP_SESSION_ID</c>), else one session per MCP session, else the process's one session.
/// </summary>
internal sealed class SessionDirectory(SafeMcpOptions options)
{
    private readonly ConcurrentDictionary<string, SessionTracker> _sessions = new(StringComparer.Ordinal);
    private readonly string _processSessionId = options.SessionId ?? $"stdio-{Guid.NewGuid():N}";

    /// <summary>The tracker of the session <paramref name="context"/> belongs to.</summary>
    public SessionTracker For(MessageContext context)
    {
        var id = SessionKeyReader.FromMeta(context) ?? options.SessionIdResolver?.Invoke(context) ?? options.SessionId ?? context.Server.SessionId ?? _processSessionId;
        return _sessions.GetOrAdd(id, static key => new SessionTracker(key));
    }

    /// <summary>Marks every session opened so far as not open (its tools must be sent again) and returns them.</summary>
    public IReadOnlyList<SessionTracker> CloseAll()
    {
        var opened = _sessions.Values.Where(s => s.IsOpen).ToArray();
        foreach (var session in opened)
        {
            session.IsOpen = false;
        }
        return opened;
    }
}
