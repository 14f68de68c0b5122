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

    /// <summary>The tool as an MCP server would declare it: its schema when it is a JSON object, else none.</summary>
    public ToolDescriptor ToDescriptor() => new(Name, null, Description, Schema(SchemaText));

    private static JsonElement? Schema(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
