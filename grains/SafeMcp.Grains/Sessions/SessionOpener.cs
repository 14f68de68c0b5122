namespace SafeMcp.Grains.Sessions;

/// <summary>Who opens or re-opens a session: the role of the key the request was authenticated with.</summary>
public enum SessionOpener
{
    /// <summary>An agent key (what MCP servers and gateways hold): may not relax an open session's checks nor trust a new server on sight.</summary>
    Agent,

    /// <summary>An admin key of the tenant.</summary>
    Admin,
}
