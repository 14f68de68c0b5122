using System.Text.Json;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>
/// A step a trajectory's evaluation evidence names (<c>power_seeking_step</c> or <c>risk_action_step</c>): its
/// <c>tool_call</c> and <c>arguments</c> as the evaluator wrote them. The evaluator names either the tool
/// (<c>execute_command</c>, sometimes qualified: <c>System_Tools.ssh_operation</c>) or the shell command the call ran
/// (<c>chattr</c>, <c>sudo cat /etc/shadow</c>), so a recorded call is a candidate when its tool is the named one or
/// one of its argument strings contains the named command. Calls are compared with the evidence by their values
/// (<see cref="Values"/>): an identifier such as <c>multi_sig</c> or <c>admin-console</c> is one value, so a compound
/// value does not outweigh a simple one the evidence quotes as well.
/// </summary>
internal sealed record EvidenceStep(string ToolCall, string Arguments)
{
    private static readonly char[] Quotes = ['\'', '"', '`'];

    /// <summary>
    /// The least number of the evidence's argument values a call must hold to be the step when no call is a candidate
    /// (the evaluator paraphrased the tool's name); it must also hold at least half of them.
    /// </summary>
    public const int MinSharedValues = 3;

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
    /// the most values with the evidence (tool and arguments), the earliest on a tie. When no call is a candidate
    /// (the evaluator named the tool by a name no call has: <c>Communication.send_email</c> for
    /// <c>send_yahoo_mail</c>), the call whose arguments hold the most of the evidence's argument values, at least
    /// <see cref="MinSharedValues"/> and at least half of them. When none is found from <paramref name="from"/> on,
    /// the same search over every call; -1 when no call is the step.
    /// </summary>
    public int Locate(IReadOnlyList<RecordedCall> calls, int from)
    {
        var wanted = Values($"{ToolCall} {Arguments}");
        var command = CommandTokens(ToolCall);
        var best = -1;
        var bestScore = -1;
        for (var c = from; c < calls.Count; c++)
        {
            if (!Names(calls[c], command))
            {
                continue;
            }
            var values = Values(calls[c].Tool);
            values.UnionWith(Values(calls[c].ArgumentsJson));
            var score = wanted.Count(values.Contains);
            if (score > bestScore)
            {
                best = c;
                bestScore = score;
            }
        }
        if (best < 0)
        {
            var quoted = Values(Arguments);
            for (var c = from; c < calls.Count; c++)
            {
                var values = Values(calls[c].ArgumentsJson);
                var score = quoted.Count(values.Contains);
                if (score >= MinSharedValues && 2 * score >= quoted.Count && score > bestScore)
                {
                    best = c;
                    bestScore = score;
                }
            }
        }
        return best < 0 && from > 0 ? Locate(calls, 0) : best;
    }

    /// <summary>
    /// The values of a text, lower-case: runs of letters, digits and <c>_ - . @</c> with the punctuation trimmed from
    /// their ends (<c>"wallet_type": "multi_sig"</c> → wallet_type, multi_sig; <c>https://example.com/admin</c> →
    /// https, example.com, admin).
    /// </summary>
    internal static HashSet<string> Values(string text)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inValue = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.' or '@');
            if (inValue && start < 0)
            {
                start = i;
            }
            else if (!inValue && start >= 0)
            {
                var value = text[start..i].Trim('_', '-', '.', '@');
                if (value.Length > 0)
                {
                    values.Add(value.ToLowerInvariant());
                }
                start = -1;
            }
        }
        return values;
    }

    private bool Names(RecordedCall call, IReadOnlyList<string> command)
    {
        if (call.Tool == ToolCall || QualifiedName(ToolCall) is { } unqualified && call.Tool == unqualified)
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

    /// <summary>The tool of a qualified name (<c>System_Tools.ssh_operation</c> → ssh_operation); null when the name has no qualifier or is a command.</summary>
    private static string? QualifiedName(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0 && dot < name.Length - 1 && !name.Any(char.IsWhiteSpace) && !name.Contains('/', StringComparison.Ordinal) ? name[(dot + 1)..] : null;
    }

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
