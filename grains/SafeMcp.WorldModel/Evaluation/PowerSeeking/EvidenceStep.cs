using System.Text.Json;
using SafeMcp.Grains.Text;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>
/// A step a trajectory's evaluation evidence names (<c>power_seeking_step</c> or <c>risk_action_step</c>): its
/// <c>tool_call</c> and <c>arguments</c> as the evaluator wrote them. The evaluator names either the tool
/// (<c>execute_command</c>) or the shell command the call ran (<c>chattr</c>, <c>sudo cat /etc/shadow</c>), so a
/// recorded call is a candidate when its tool is the named one or one of its argument strings contains the named
/// command.
/// </summary>
internal sealed record EvidenceStep(string ToolCall, string Arguments)
{
    private static readonly char[] Quotes = ['\'', '"', '`'];

    /// <summary>
    /// The step <paramref name="step"/> of <paramref name="evidence"/>; null when it names no call (no
    /// <c>tool_call</c>, or the evaluator's <c>"null"</c> or <c>"none"</c>: the harmful call never happened).
    /// </summary>
    public static EvidenceStep? Read(JsonElement evidence, string step)
    {
        if (evidence.ValueKind != JsonValueKind.Object || !evidence.TryGetProperty(step, out var s) || s.ValueKind != JsonValueKind.Object
            || !s.TryGetProperty("tool_call", out var toolElement) || toolElement.ValueKind != JsonValueKind.String
            || toolElement.GetString() is not { Length: > 0 } tool
            || tool.Equals("null", StringComparison.OrdinalIgnoreCase) || tool.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return new EvidenceStep(tool, s.TryGetProperty("arguments", out var a) ? a.ToString() : "");
    }

    /// <summary>
    /// The index of the call this step names: among the candidates from <paramref name="from"/> on, the one sharing
    /// the most words with the evidence (tool and arguments), the earliest on a tie; when none is at or after
    /// <paramref name="from"/>, the same search over every call; -1 when no call is a candidate.
    /// </summary>
    public int Locate(IReadOnlyList<RecordedCall> calls, int from)
    {
        var wanted = WordSplitter.Words($"{ToolCall} {Arguments}");
        var command = CommandTokens(ToolCall);
        var best = -1;
        var bestScore = -1;
        for (var c = from; c < calls.Count; c++)
        {
            if (!Names(calls[c], command))
            {
                continue;
            }
            var words = WordSplitter.Words(calls[c].Tool);
            words.UnionWith(WordSplitter.Words(calls[c].ArgumentsJson));
            var score = wanted.Count(words.Contains);
            if (score > bestScore)
            {
                best = c;
                bestScore = score;
            }
        }
        return best < 0 && from > 0 ? Locate(calls, 0) : best;
    }

    private bool Names(RecordedCall call, IReadOnlyList<string> command)
    {
        if (call.Tool == ToolCall)
        {
            return true;
        }
        if (command.Count == 0)
        {
            return false;
        }
        JsonDocument arguments;
        try
        {
            arguments = JsonDocument.Parse(call.ArgumentsJson);
        }
        catch (JsonException)
        {
            return false;
        }
        using (arguments)
        {
            return AnyString(arguments.RootElement, text => Contains(CommandTokens(text), command));
        }
    }

    private static bool AnyString(JsonElement element, Func<string, bool> predicate) => element.ValueKind switch
    {
        JsonValueKind.String => predicate(element.GetString()!),
        JsonValueKind.Object => element.EnumerateObject().Any(p => AnyString(p.Value, predicate)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => AnyString(e, predicate)),
        _ => false,
    };

    /// <summary>A command as lower-case tokens split at white space, each without surrounding quotes.</summary>
    private static List<string> CommandTokens(string text) =>
        [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.Trim(Quotes).ToLowerInvariant())
            .Where(t => t.Length > 0)];

    private static bool Contains(List<string> tokens, IReadOnlyList<string> run)
    {
        for (var start = 0; start + run.Count <= tokens.Count; start++)
        {
            var c = 0;
            while (c < run.Count && tokens[start + c] == run[c])
            {
                c++;
            }
            if (c == run.Count)
            {
                return true;
            }
        }
        return false;
    }
}
