using SafeMcp.Client.Mcp.Sessions;

namespace SafeMcp.Gateway.Supervision;

/// <summary>
/// What the gateway remembers of one supervised session: which upstreams' slices the cluster holds (at which version
/// of their tools) and which of the endpoint's tools the client was last shown as withheld.
/// </summary>
internal sealed class SupervisedSession(string sessionId)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _opened = new(StringComparer.Ordinal);
    private readonly ToolNameSet _withheld = new();

    /// <summary>The session id the cluster knows this session by.</summary>
    public string SessionId { get; } = sessionId;

    /// <summary>Whether the cluster holds <paramref name="server"/>'s slice as of its tools' <paramref name="version"/>.</summary>
    public bool IsOpen(string server, long version)
    {
        lock (_lock)
        {
            return _opened.TryGetValue(server, out var opened) && opened == version;
        }
    }

    /// <summary>Records that the cluster holds <paramref name="server"/>'s slice as of <paramref name="version"/>; -1 forgets it.</summary>
    public void Opened(string server, long version)
    {
        lock (_lock)
        {
            _opened[server] = version;
        }
    }

    /// <summary>Forgets every slice (the cluster lost the session).</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _opened.Clear();
        }
    }

    /// <summary>The endpoint's tool names last known withheld.</summary>
    public IReadOnlySet<string> Withheld => _withheld.Names;

    /// <summary>Records the withheld set; returns whether it differs from the one before.</summary>
    public bool Observe(IEnumerable<string> withheld) => _withheld.Observe(withheld);
}
