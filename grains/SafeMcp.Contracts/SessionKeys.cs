namespace SafeMcp.Contracts;

/// <summary>
/// How an agent host gives every MCP server it runs one SafeMCP session key, so that separate hooked servers (and the
/// gateway's upstreams) join one supervised session. The first carrier present wins, in this order.
/// </summary>
public static class SessionKeys
{
    /// <summary>The <c>_meta</c> field of an MCP request that names its session (works for stdio and stateless HTTP).</summary>
    public const string MetaField = "io.safemcp/session";

    /// <summary>The HTTP request header that names the session (Streamable HTTP servers).</summary>
    public const string Header = "SafeMcp-Session";

    /// <summary>The environment variable a host sets for the stdio servers it starts.</summary>
    public const string EnvironmentVariable = "SAFEMCP_SESSION_ID";

    /// <summary>The server name of sessions and calls that do not name one.</summary>
    public const string DefaultServer = "default";
}
