using System.Text.Json;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Data;

/// <summary>
/// Reads and writes the SafeMCP stage-2 JSONL format (see the data README): <c>index</c>, <c>instruction</c>,
/// <c>available_tools</c>, <c>steps</c>, <c>current_action</c> and <c>label</c>. Step keys are read in both
/// spellings the data uses (<c>Action</c>/<c>action</c>, <c>Action Input</c>/<c>action_input</c>, …).
/// One optional field of our own, which readers of the authors' format ignore: <c>tool_descriptions</c>, an object
/// whose keys are tool names of <c>available_tools</c> and whose values hold a <c>description</c> string and an
/// <c>input_schema</c> object (an export of the audit log writes it; MCP servers describe their tools).
/// </summary>
public static class TrajectoryJsonl
{
    /// <summary>Reads every row of <paramref name="path"/>; a malformed line throws with its line number.</summary>
    public static List<TrajectoryRow> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        }
        var rows = new List<TrajectoryRow>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                rows.Add(ParseRow(line, rows.Count));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a SafeMCP row: {e.Message}", e);
            }
        }
        return rows;
    }

    /// <summary>Parses one JSON row; <paramref name="fallbackIndex"/> is used when it has no index.</summary>
    public static TrajectoryRow ParseRow(string json, long fallbackIndex)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var index = root.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt64() : fallbackIndex;
        var instruction = root.TryGetProperty("instruction", out var ins) && ins.ValueKind == JsonValueKind.String ? ins.GetString() : null;
        var tools = new List<ToolInfo>();
        if (root.TryGetProperty("available_tools", out var available) && available.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in available.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.String && tool.GetString() is { Length: > 0 } name)
                {
                    tools.Add(new ToolInfo(name));
                }
            }
        }
        if (root.TryGetProperty("tool_descriptions", out var described) && described.ValueKind == JsonValueKind.Object)
        {
            for (var t = 0; t < tools.Count; t++)
            {
                if (described.TryGetProperty(tools[t].Name, out var entry) && entry.ValueKind == JsonValueKind.Object)
                {
                    tools[t] = tools[t] with
                    {
                        Description = entry.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
                        SchemaText = entry.TryGetProperty("input_schema", out var schema) && schema.ValueKind == JsonValueKind.Object ? schema.GetRawText() : null,
                    };
                }
            }
        }
        var steps = new List<TrajectoryStep>();
        if (root.TryGetProperty("steps", out var stepsElement) && stepsElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var step in stepsElement.EnumerateArray())
            {
                if (step.ValueKind == JsonValueKind.Object)
                {
                    steps.Add(ParseStep(step, withObservation: true));
                }
            }
        }
        TrajectoryStep? current = null;
        if (root.TryGetProperty("current_action", out var currentElement) && currentElement.ValueKind == JsonValueKind.Object)
        {
            current = ParseStep(currentElement, withObservation: false);
        }

        RowLabel? label = null;
        if (root.TryGetProperty("label", out var labelElement) && labelElement.ValueKind == JsonValueKind.Object)
        {
            var safety = SafetyLabels.Parse(labelElement.GetProperty("safety").GetString());
            var filtered = new List<string>();
            if (labelElement.TryGetProperty("filtered_tools", out var f) && f.ValueKind == JsonValueKind.Array)
            {
                foreach (var tool in f.EnumerateArray())
                {
                    if (tool.GetString() is { Length: > 0 } name)
                    {
                        filtered.Add(name);
                    }
                }
            }
            var next = labelElement.TryGetProperty("next_state", out var n) ? Text(n) : null;
            label = new RowLabel(safety, filtered, next);
        }
        return new TrajectoryRow(index, new WorldModelInput(instruction, tools, steps, current), label);
    }

    /// <summary>Writes <paramref name="rows"/> as JSONL.</summary>
    public static void Write(string path, IEnumerable<TrajectoryRow> rows)
    {
        using var writer = new TrajectoryJsonlWriter(File.Create(path));
        foreach (var row in rows)
        {
            writer.Write(row);
        }
    }

    /// <summary>Writes one row as a JSON object (no newline).</summary>
    internal static void WriteRow(Utf8JsonWriter writer, TrajectoryRow row)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", row.Index);
        writer.WriteString("instruction", row.Input.Instruction);
        writer.WriteStartArray("available_tools");
        foreach (var tool in row.Input.Tools)
        {
            writer.WriteStringValue(tool.Name);
        }
        writer.WriteEndArray();
        if (row.Input.Tools.Any(t => t.Description is not null || t.SchemaText is not null))
        {
            WriteToolDescriptions(writer, row.Input.Tools);
        }
        writer.WriteStartArray("steps");
        foreach (var step in row.Input.Prefix)
        {
            WriteStep(writer, step, withObservation: true);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("current_action");
        if (row.Input.Current is { } current)
        {
            WriteStep(writer, current, withObservation: false);
        }
        else
        {
            writer.WriteNullValue();
        }
        if (row.Label is { } label)
        {
            writer.WriteStartObject("label");
            writer.WriteString("safety", SafetyLabels.Name(label.Safety));
            writer.WriteStartArray("filtered_tools");
            foreach (var tool in label.FilteredTools)
            {
                writer.WriteStringValue(tool);
            }
            writer.WriteEndArray();
            writer.WriteString("next_state", label.NextState ?? "");
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteToolDescriptions(Utf8JsonWriter writer, IReadOnlyList<ToolInfo> tools)
    {
        writer.WriteStartObject("tool_descriptions");
        foreach (var tool in tools.Where(t => t.Description is not null || t.SchemaText is not null).DistinctBy(t => t.Name))
        {
            writer.WriteStartObject(tool.Name);
            if (tool.Description is not null)
            {
                writer.WriteString("description", tool.Description);
            }
            if (tool.SchemaText is not null)
            {
                writer.WritePropertyName("input_schema");
                writer.WriteRawValue(tool.SchemaText); // validated as JSON as it is written
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter writer, TrajectoryStep step, bool withObservation)
    {
        writer.WriteStartObject();
        writer.WriteString("Thought", step.Thought ?? "");
        writer.WriteString("Action", step.Action);
        if (step.Server is { } server)
        {
            writer.WriteString("Server", server);
        }
        writer.WritePropertyName("Action Input");
        WriteJsonOrString(writer, step.ArgumentsText);
        if (withObservation)
        {
            writer.WritePropertyName("Observation");
            WriteJsonOrString(writer, step.Observation);
        }
        writer.WriteEndObject();
    }

    private static void WriteJsonOrString(Utf8JsonWriter writer, string? text)
    {
        if (text is { Length: > 0 } && (text[0] == '{' || text[0] == '['))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                document.RootElement.WriteTo(writer);
                return;
            }
            catch (JsonException)
            {
                // Truncated or not JSON: kept as a string.
            }
        }
        writer.WriteStringValue(text ?? "");
    }

    private static TrajectoryStep ParseStep(JsonElement step, bool withObservation)
    {
        var action = Property(step, "Action", "action");
        var actionName = action switch
        {
            { ValueKind: JsonValueKind.String } a => a.GetString(),
            { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0 => a[0].GetString(),
            _ => null,
        };
        var input = Property(step, "Action Input", "action_input");
        var thought = Property(step, "Thought", "thought") is { } t ? Text(t) : null;
        if (actionName is null && Property(step, "Output", "output") is { } output)
        {
            thought = string.Concat(thought, " ", Text(output));
        }
        var observation = withObservation && Property(step, "Observation", "observation") is { } o ? Text(o) : null;
        var server = Property(step, "Server", "server") is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
        return new TrajectoryStep(string.IsNullOrEmpty(actionName) ? null : actionName, input is { } x ? Text(x) : null, observation, thought, server);
    }

    private static JsonElement? Property(JsonElement element, string name, string alternative) =>
        element.TryGetProperty(name, out var value) || element.TryGetProperty(alternative, out value) ? value : null;

    private static string? Text(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Array when element.GetArrayLength() == 1 => Text(element[0]),
        _ => element.GetRawText(),
    };
}
