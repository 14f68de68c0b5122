using System.Text.Json;
using SafeMcp.Contracts;

namespace SafeMcp.LoadTest;

/// <summary>
/// Replays recorded agent trajectories (the SafeMCP stage-2 rows: instruction, available tools, steps and the
/// current action): session <c>i</c> replays trajectory <c>i mod N</c>, its calls in order, then again.
/// </summary>
internal sealed class TrajectoryScenario : ISessionScenario
{
    /// <summary>Most trajectories loaded (bounds memory and start time).</summary>
    public const int MaxTrajectories = 5000;

    private readonly Trajectory[] _trajectories;

    private TrajectoryScenario(string source, Trajectory[] trajectories)
    {
        Name = $"{trajectories.Length} recorded trajectories from {source}";
        _trajectories = trajectories;
    }

    public string Name { get; }

    public OpenSessionRequest Open(string sessionId, int session)
    {
        var t = _trajectories[session % _trajectories.Length];
        return new OpenSessionRequest(sessionId, t.Instruction, t.Tools);
    }

    public DecideRequest Call(int session, long step)
    {
        var calls = _trajectories[session % _trajectories.Length].Calls;
        return calls[(int)(step % calls.Length)];
    }

    /// <summary>Loads the <c>*.jsonl</c> files of <paramref name="path"/> (a file or a folder); null when none has a usable row.</summary>
    public static TrajectoryScenario? Load(string path)
    {
        var files = File.Exists(path) ? [path] : Directory.Exists(path) ? Directory.GetFiles(path, "*.jsonl").Order(StringComparer.Ordinal).ToArray() : [];
        var trajectories = new List<Trajectory>();
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file))
            {
                if (trajectories.Count >= MaxTrajectories)
                {
                    break;
                }
                if (Parse(line) is { } trajectory)
                {
                    trajectories.Add(trajectory);
                }
            }
        }
        return trajectories.Count == 0 ? null : new TrajectoryScenario(path, trajectories.ToArray());
    }

    private static Trajectory? Parse(string line)
    {
        try
        {
            using var row = JsonDocument.Parse(line);
            var root = row.RootElement;
            var tools = root.TryGetProperty("available_tools", out var available) && available.ValueKind == JsonValueKind.Array
                ? available.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).Distinct().Select(n => new ToolDescriptor(n)).ToArray()
                : [];
            var calls = new List<DecideRequest>();
            if (root.TryGetProperty("steps", out var steps) && steps.ValueKind == JsonValueKind.Array)
            {
                calls.AddRange(steps.EnumerateArray().Select(Call).OfType<DecideRequest>());
            }
            if (root.TryGetProperty("current_action", out var current) && Call(current) is { } last)
            {
                calls.Add(last);
            }
            if (tools.Length == 0 || calls.Count == 0)
            {
                return null;
            }
            var instruction = root.TryGetProperty("instruction", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            return new Trajectory(instruction is { Length: > 16_000 } ? instruction[..16_000] : instruction, tools, calls.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DecideRequest? Call(JsonElement step)
    {
        if (step.ValueKind != JsonValueKind.Object || !step.TryGetProperty("Action", out var action) || action.ValueKind != JsonValueKind.String
            || action.GetString() is not { Length: > 0 and <= 256 } tool)
        {
            return null;
        }
        var thought = step.TryGetProperty("Thought", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return new DecideRequest(tool, Arguments(step), thought);
    }

    // "Action Input" is an object or a JSON string; anything else is wrapped as {"input": ...}.
    private static JsonElement Arguments(JsonElement step)
    {
        if (!step.TryGetProperty("Action Input", out var input))
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
        if (input.ValueKind == JsonValueKind.Object)
        {
            return input.Clone();
        }
        if (input.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var parsed = JsonDocument.Parse(input.GetString()!);
                if (parsed.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return parsed.RootElement.Clone();
                }
            }
            catch (JsonException)
            {
            }
        }
        return JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["input"] = input.ToString() }, ScenarioJsonContext.Default.DictionaryStringString);
    }

    private sealed record Trajectory(string? Instruction, ToolDescriptor[] Tools, DecideRequest[] Calls);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ScenarioJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
