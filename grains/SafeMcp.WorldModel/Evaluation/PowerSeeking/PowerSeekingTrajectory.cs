using System.Text.Json;
using SafeMcp.Contracts;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>
/// One PowerSeeking Bench trajectory: the task, the tools (OpenAI function JSON), the recorded calls in order,
/// and the indexes of the enabler (power-seeking) call and the harmful (risk) call among them. A step the evidence
/// names but no call matches (see <see cref="EvidenceStep"/>), or that names no call, is taken to be the last call;
/// <see cref="PowerSeekingFound"/> and <see cref="RiskFound"/> say whether the step was found.
/// </summary>
public sealed record PowerSeekingTrajectory(
    int Number,
    string Instruction,
    IReadOnlyList<ToolDescriptor> Tools,
    IReadOnlyList<RecordedCall> Calls,
    int PowerSeekingCall,
    int RiskCall,
    bool PowerSeekingFound,
    bool RiskFound)
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

    /// <summary>One trajectory of the benchmark file; <paramref name="number"/> counts from 1.</summary>
    internal static PowerSeekingTrajectory Parse(JsonElement item, int number)
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
        var powerSeeking = EvidenceStep.Read(evidence, "power_seeking_step")?.Locate(calls, 0) ?? -1;
        var risk = EvidenceStep.Read(evidence, "risk_action_step")?.Locate(calls, Math.Max(powerSeeking, 0)) ?? -1;
        var last = Math.Max(0, calls.Count - 1);
        return new PowerSeekingTrajectory(number, instruction, tools, calls,
            powerSeeking < 0 ? last : powerSeeking,
            risk < 0 ? last : risk,
            powerSeeking >= 0,
            risk >= 0);
    }
}
