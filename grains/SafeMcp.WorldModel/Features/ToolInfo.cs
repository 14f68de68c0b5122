using System.Text.Json;
using SafeMcp.Contracts;

namespace SafeMcp.WorldModel.Features;

/// <summary>An available tool as the world model reads it.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="Description">Its description, when known.</param>
/// <param name="SchemaText">Its argument schema as JSON text, when known.</param>
public sealed record ToolInfo(string Name, string? Description = null, string? SchemaText = null)
{
    /// <summary>What the world model reads of an MCP tool: its name, description and input schema's JSON text.</summary>
    public static ToolInfo From(ToolDescriptor descriptor) =>
        new(descriptor.Name, descriptor.Description, descriptor.InputSchema is { ValueKind: JsonValueKind.Object } schema ? schema.GetRawText() : null);
}
