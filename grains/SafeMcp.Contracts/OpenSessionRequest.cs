namespace SafeMcp.Contracts;

/// <summary>Opens a session, or refreshes the tool set of an open one.</summary>
/// <param name="SessionId">The caller's session id (1–128 characters of [A-Za-z0-9._:-]).</param>
/// <param name="Instruction">The user's task, when the client knows it.</param>
/// <param name="Tools">Every tool the MCP server offers this session.</param>
/// <param name="Server">The MCP server's name (1–128 characters of [A-Za-z0-9._:@/-]); tool pins are kept per tenant and server. Default: <c>default</c>.</param>
public sealed record OpenSessionRequest(string SessionId, string? Instruction, IReadOnlyList<ToolDescriptor> Tools, string? Server = null);
