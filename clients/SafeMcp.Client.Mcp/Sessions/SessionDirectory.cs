using System.Collections.Concurrent;
using ModelContextProtocol.Server;

namespace SafeMcp.Client.Mcp.Sessions;

/// <summary>
/// Maps an MCP request to its SafeMCP session. A stdio server process is one session; an HTTP server has
/// one session per MCP session (or whatever <see cref="SafeMcpOptions.SessionIdResolver"/> says).
/// </summary>
internal sealed class SessionDirectory(SafeMcpOptions options)
{
    private readonly ConcurrentDictionary<string, SessionTracker> _sessions = new(StringComparer.Ordinal);
    private readonly string _processSessionId = options.SessionId ?? $"stdio-{Guid.NewGuid():N}";

    /// <summary>The tracker of the session <paramref name="context"/> belongs to.</summary>
    public SessionTracker For(MessageContext context)
    {
        var id = options.SessionIdResolver?.Invoke(context) ?? options.SessionId ?? context.Server.SessionId ?? _processSessionId;
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
