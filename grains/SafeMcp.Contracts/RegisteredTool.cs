namespace SafeMcp.Contracts;

/// <summary>A tool as the tenant's registry pins it for one MCP server.</summary>
/// <param name="Server">The MCP server's name.</param>
/// <param name="Tool">The tool's name.</param>
/// <param name="Status"><c>approved</c>, <c>quarantined</c> (withheld until approved) or <c>removed</c> (last seen list lacked it).</param>
/// <param name="Reason">Why it is quarantined: <c>new</c>, <c>changed</c> or <c>re-added</c>; null when approved.</param>
/// <param name="ApprovedHash">SHA-256 of the approved definition (name, title, description, schema, annotations); null before the first approval.</param>
/// <param name="ObservedHash">SHA-256 of the definition last seen.</param>
/// <param name="Definition">The definition last seen.</param>
/// <param name="UpdatedAt">When the pin last changed.</param>
public sealed record RegisteredTool(string Server, string Tool, string Status, string? Reason, string? ApprovedHash, string ObservedHash, ToolDescriptor Definition, DateTimeOffset UpdatedAt);
