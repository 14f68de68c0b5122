namespace SafeMcp.Client.Mcp.Sessions;

/// <summary>
/// What the hook remembers of one session: whether the cluster knows it and which tools the client was
/// last shown as withheld, so that a change of the visible set can be announced with <c>tools/list_changed</c>.
/// </summary>
internal sealed class SessionTracker(string sessionId)
{
    private readonly ToolNameSet _withheld = new();
    private readonly ToolNameSet _sessionWithheld = new();

    /// <summary>The session id the cluster knows this session by.</summary>
    public string SessionId { get; } = sessionId;

    /// <summary>Whether the session was opened in the cluster by this process.</summary>
    public bool IsOpen { get; set; }

    /// <summary>The tools last known withheld.</summary>
    public IReadOnlySet<string> Withheld => _withheld.Names;

    /// <summary>
    /// Records the whole session's withheld set a decision answered with (all servers' tools); returns whether it
    /// differs from the one before, i.e. whether this server's slice may have changed.
    /// </summary>
    public bool ObserveSessionWithheld(IEnumerable<string> withheld) => _sessionWithheld.Observe(withheld);

    /// <summary>Records the withheld set the cluster answered with; returns whether it differs from the one before.</summary>
    public bool Observe(IEnumerable<string> withheld) => _withheld.Observe(withheld);
}
