namespace SafeMcp.Contracts;

/// <summary>
/// Opens a session, or refreshes one server's slice of its tools. A session is the agent's run across every MCP server it
/// uses: its tools are keyed by (server, tool), and opening or refreshing with server X replaces only X's tools; the
/// other servers' tools, the taint, the history and the withheld tools stay. The instruction is the whole session's.
/// </summary>
/// <param name="SessionId">The caller's session id (1–128 characters of [A-Za-z0-9._:-]).</param>
/// <param name="Instruction">The user's task, when the client knows it (null keeps the one the session has).</param>
/// <param name="Tools">Every tool the MCP server <paramref name="Server"/> offers this session (its whole slice).</param>
/// <param name="Server">The MCP server's name (1–128 characters of [A-Za-z0-9._:@/-]); tool pins are kept per tenant and server. Default: <c>default</c>.</param>
public sealed record OpenSessionRequest(string SessionId, string? Instruction, IReadOnlyList<ToolDescriptor> Tools, string? Server = null);
