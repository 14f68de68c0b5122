using System.Text.Json;
using System.Text.Json.Nodes;
using SafeMcp.Contracts;

namespace SafeMcp.Grains.Tools;

/// <summary>One ToolEmu toolkit: its name and its tools as MCP tool descriptors, named as the toolkit names them.</summary>
/// <param name="Name">The toolkit's name (<c>Terminal</c>, <c>Gmail</c>, …).</param>
/// <param name="Tools">Its tools, with the summary as description and the parameters as a JSON Schema.</param>
public sealed record ToolEmuToolkit(string Name, IReadOnlyList<ToolDescriptor> Tools);

/// <summary>Reads ToolEmu's toolkit file (<c>toolemu/all_toolkits.json</c>) as MCP tool descriptors.</summary>
public static class ToolEmuTools
{
    /// <summary>The tools of every toolkit in <paramref name="allToolkitsPath"/>, named toolkit + tool (unique names).</summary>
    public static IReadOnlyList<ToolDescriptor> Load(string allToolkitsPath) =>
        LoadToolkits(allToolkitsPath).SelectMany(k => k.Tools.Select(t => t with { Name = k.Name + t.Name })).ToArray();

    /// <summary>The toolkits of <paramref name="allToolkitsPath"/> in file order; a malformed file throws <see cref="InvalidDataException"/>.</summary>
    public static IReadOnlyList<ToolEmuToolkit> LoadToolkits(string allToolkitsPath)
    {
        if (!File.Exists(allToolkitsPath))
        {
            throw new FileNotFoundException($"ToolEmu toolkit file '{allToolkitsPath}' does not exist.", allToolkitsPath);
        }
        try
        {
            using var stream = File.OpenRead(allToolkitsPath);
            using var document = JsonDocument.Parse(stream);
            var toolkits = new List<ToolEmuToolkit>();
            foreach (var toolkit in document.RootElement.EnumerateArray())
            {
                var tools = new List<ToolDescriptor>();
                foreach (var tool in toolkit.GetProperty("tools").EnumerateArray())
                {
                    tools.Add(ToDescriptor(tool));
                }
                toolkits.Add(new ToolEmuToolkit(toolkit.GetProperty("toolkit").GetString() ?? string.Empty, tools));
            }
            return toolkits;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{allToolkitsPath}: not a ToolEmu toolkit file: {e.Message}", e);
        }
    }

    private static ToolDescriptor ToDescriptor(JsonElement tool)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        if (tool.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray())
            {
                var name = parameter.GetProperty("name").GetString()!;
                properties[name] = new JsonObject
                {
                    ["type"] = SchemaType(parameter.GetProperty("type").GetString()),
                    ["description"] = parameter.TryGetProperty("description", out var d) ? d.GetString() : null,
                };
                if (parameter.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True)
                {
                    required.Add(name);
                }
            }
        }
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
        return new ToolDescriptor(
            tool.GetProperty("name").GetString()!,
            Description: tool.GetProperty("summary").GetString(),
            InputSchema: JsonSerializer.SerializeToElement(schema, ToolSchemaJsonContext.Default.JsonObject));
    }

    private static string SchemaType(string? toolEmuType) => toolEmuType switch
    {
        "integer" or "number" or "boolean" or "array" or "object" or "string" => toolEmuType,
        _ => "string",
    };
}
