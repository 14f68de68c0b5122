using System.Text.Json;

namespace SafeMcp.Contracts;

/// <summary>An MCP tool as a server advertises it at <c>tools/list</c>.</summary>
/// <param name="Name">The tool's name, unique within a session.</param>
/// <param name="Title">Optional human-readable title.</param>
/// <param name="Description">The description shown to the model (untrusted).</param>
/// <param name="InputSchema">The JSON Schema of the tool's arguments.</param>
/// <param name="Annotations">MCP behaviour hints (untrusted).</param>
public sealed record ToolDescriptor(
    string Name,
    string? Title = null,
    string? Description = null,
    JsonElement? InputSchema = null,
    ToolAnnotations? Annotations = null);
