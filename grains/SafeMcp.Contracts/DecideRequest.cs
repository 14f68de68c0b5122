using System.Text.Json;

namespace SafeMcp.Contracts;

/// <summary>Asks whether one <c>tools/call</c> may run.</summary>
/// <param name="Tool">The tool's name, as its server advertises it.</param>
/// <param name="Arguments">The call's arguments (a JSON object), as the model produced them.</param>
/// <param name="Thought">The agent's stated reasoning for the call, when the client has it.</param>
/// <param name="Server">
/// The MCP server whose tool is called. Null: the one server of the session that offers a tool of that name (400
/// <c>ambiguous_tool</c> when several do).
/// </param>
public sealed record DecideRequest(string Tool, JsonElement? Arguments = null, string? Thought = null, string? Server = null);
