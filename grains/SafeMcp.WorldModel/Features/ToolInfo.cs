namespace SafeMcp.WorldModel.Features;

/// <summary>An available tool as the world model reads it.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="Description">Its description, when known.</param>
/// <param name="SchemaText">Its argument schema as JSON text, when known.</param>
public sealed record ToolInfo(string Name, string? Description = null, string? SchemaText = null);
