namespace SafeMcp.Contracts;

/// <summary>MCP tool annotations. They are hints from the server, never trusted on their own.</summary>
public sealed record ToolAnnotations(
    string? Title = null,
    bool? ReadOnlyHint = null,
    bool? DestructiveHint = null,
    bool? IdempotentHint = null,
    bool? OpenWorldHint = null);
