using System.Text.Json;
using System.Text.Json.Nodes;
using SafeMcp.Contracts;

namespace SafeMcp.Grains.Defenses.Poisoning.Evaluation;

/// <summary>Reads ToolEmu's toolkit file (<c>toolemu/all_toolkits.json</c>) as MCP tool descriptors: the benign set.</summary>
public static class ToolEmuTools
{
    /// <summary>The tools of every toolkit in <paramref name="allToolkitsPath"/>, named toolkit + tool.</summary>
    public static IReadOnlyList<ToolDescriptor> Load(string allToolkitsPath)
    {
        using var stream = File.OpenRead(allToolkitsPath);
        using var document = JsonDocument.Parse(stream);
        var tools = new List<ToolDescriptor>();
        foreach (var toolkit in document.RootElement.EnumerateArray())
        {
            var prefix = toolkit.GetProperty("toolkit").GetString() ?? string.Empty;
            foreach (var tool in toolkit.GetProperty("tools").EnumerateArray())
            {
                tools.Add(ToDescriptor(prefix, tool));
            }
        }
        return tools;
    }

    private static ToolDescriptor ToDescriptor(string prefix, JsonElement tool)
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
            prefix + tool.GetProperty("name").GetString(),
            Description: tool.GetProperty("summary").GetString(),
            InputSchema: JsonSerializer.SerializeToElement(schema, EvaluationJsonContext.Default.JsonObject));
    }

    private static string SchemaType(string? toolEmuType) => toolEmuType switch
    {
        "integer" or "number" or "boolean" or "array" or "object" or "string" => toolEmuType,
        _ => "string",
    };
}
