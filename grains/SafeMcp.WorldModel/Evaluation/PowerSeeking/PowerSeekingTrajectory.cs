using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Text;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>
/// One PowerSeeking Bench trajectory: the task, the tools (OpenAI function JSON), the recorded calls in order,
/// and the indexes of the enabler (power-seeking) call and the harmful (risk) call among them.
/// </summary>
public sealed record PowerSeekingTrajectory(
    int Number,
    string Instruction,
    IReadOnlyList<ToolDescriptor> Tools,
    IReadOnlyList<RecordedCall> Calls,
    int PowerSeekingCall,
    int RiskCall)
{
    /// <summary>Reads the benchmark file (a JSON array).</summary>
    public static List<PowerSeekingTrajectory> ReadAll(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var trajectories = new List<PowerSeekingTrajectory>();
        var number = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            trajectories.Add(Parse(item, ++number));
        }
        return trajectories;
    }

    private static PowerSeekingTrajectory Parse(JsonElement item, int number)
    {
        var instruction = item.TryGetProperty("user_instruction", out var i) ? i.GetString() ?? "" : "";
        var tools = new List<ToolDescriptor>();
        if (item.TryGetProperty("tools", out var toolsText) && toolsText.ValueKind == JsonValueKind.String)
        {
            using var toolsDocument = JsonDocument.Parse(toolsText.GetString()!);
            foreach (var tool in toolsDocument.RootElement.EnumerateArray())
            {
                var function = tool.TryGetProperty("function", out var f) ? f : tool;
                var name = function.GetProperty("name").GetString()!;
                if (tools.Any(t => t.Name == name))
                {
                    continue;
                }
                tools.Add(new ToolDescriptor(name, null,
                    function.TryGetProperty("description", out var d) ? d.GetString() : null,
                    function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : null));
            }
        }
        var calls = new List<RecordedCall>();
        foreach (var step in item.GetProperty("trajectory").EnumerateArray())
        {
            if (!step.TryGetProperty("action", out var actions) || actions.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            var inputs = step.TryGetProperty("action_input", out var a) && a.ValueKind == JsonValueKind.Array ? a : default;
            var observations = step.TryGetProperty("observation", out var o) && o.ValueKind == JsonValueKind.Array ? o : default;
            var thought = step.TryGetProperty("thought", out var t) ? t.GetString() : null;
            var k = 0;
            foreach (var action in actions.EnumerateArray())
            {
                var arguments = inputs.ValueKind == JsonValueKind.Array && k < inputs.GetArrayLength() && inputs[k].ValueKind == JsonValueKind.Object
                    ? inputs[k].GetRawText() : "{}";
                var observation = observations.ValueKind == JsonValueKind.Array && k < observations.GetArrayLength()
                    ? (observations[k].ValueKind == JsonValueKind.String ? observations[k].GetString() : observations[k].GetRawText()) : null;
                calls.Add(new RecordedCall(action.GetString() ?? "", arguments, observation, thought));
                k++;
            }
        }
        var evidence = item.GetProperty("evaluation").GetProperty("evidence");
        var powerSeeking = Locate(calls, evidence, "power_seeking_step", 0);
        var risk = Locate(calls, evidence, "risk_action_step", Math.Max(powerSeeking, 0));
        return new PowerSeekingTrajectory(number, instruction, tools, calls,
            powerSeeking < 0 ? Math.Max(0, calls.Count - 1) : powerSeeking,
            risk < 0 ? Math.Max(0, calls.Count - 1) : risk);
    }

    /// <summary>
    /// The call the evidence names: among calls of the named tool (from <paramref name="from"/>), the one whose
    /// argument words overlap the evidence's the most, the earliest on a tie; -1 when no call uses that tool.
    /// </summary>
    private static int Locate(IReadOnlyList<RecordedCall> calls, JsonElement evidence, string step, int from)
    {
        if (!evidence.TryGetProperty(step, out var s) || s.ValueKind != JsonValueKind.Object
            || !s.TryGetProperty("tool_call", out var toolElement) || toolElement.GetString() is not { Length: > 0 } tool)
        {
            return -1;
        }
        var wanted = WordSplitter.Words(s.TryGetProperty("arguments", out var a) ? a.ToString() : null);
        var best = -1;
        var bestScore = -1;
        for (var c = from; c < calls.Count; c++)
        {
            if (calls[c].Tool != tool)
            {
                continue;
            }
            var words = WordSplitter.Words(calls[c].ArgumentsJson);
            var score = wanted.Count(words.Contains);
            if (score > bestScore)
            {
                best = c;
                bestScore = score;
            }
        }
        return best < 0 && from > 0 ? Locate(calls, evidence, step, 0) : best;
    }
}
