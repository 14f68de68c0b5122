using ModelContextProtocol.Protocol;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Results;

/// <summary>MCP tool definitions as the cluster's wire type.</summary>
internal static class ToolDescriptors
{
    /// <summary>The descriptor of one MCP tool: name, title, description, input schema and annotations.</summary>
    public static ToolDescriptor From(Tool tool) => new(
        tool.Name,
        tool.Title,
        tool.Description,
        tool.InputSchema.ValueKind == System.Text.Json.JsonValueKind.Undefined ? null : tool.InputSchema,
        tool.Annotations is { } a
            ? new SafeMcp.Contracts.ToolAnnotations(a.Title, a.ReadOnlyHint, a.DestructiveHint, a.IdempotentHint, a.OpenWorldHint)
            : null);

    /// <summary>The descriptors of <paramref name="tools"/>.</summary>
    public static IReadOnlyList<ToolDescriptor> From(IEnumerable<Tool> tools) => tools.Select(From).ToArray();
}
