using System.Text;
using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Onnx;

/// <summary>
/// The text serialisation of a check for a cross-encoder (the contract in docs/world-model.md): the first segment is the
/// task; the second is the action, the tools numbered in input order (tool i is column i of <c>tool_logits</c>), then the
/// steps so far, latest first, so that truncation drops the oldest steps rather than the action.
/// </summary>
public static class CheckText
{
    /// <summary>The two segments of <paramref name="input"/>, each field cut to <paramref name="maxFieldChars"/> characters.</summary>
    public static (string Task, string Context) Serialize(WorldModelInput input, int maxFieldChars)
    {
        var task = "task: " + Cut(input.Instruction, maxFieldChars * 4);
        var context = new StringBuilder(1024);
        if (input.Current is { Action: { } action } current)
        {
            context.Append("action: ").Append(action).Append(' ').Append(Cut(current.ArgumentsText, maxFieldChars));
            if (!string.IsNullOrEmpty(current.Thought))
            {
                context.Append(" thought: ").Append(Cut(current.Thought, maxFieldChars));
            }
        }
        else
        {
            context.Append(input.Prefix.Count == 0 ? "action: none (session opens)" : "action: none (final answer)");
        }
        context.Append(" | tools:");
        for (var t = 0; t < input.Tools.Count; t++)
        {
            var tool = input.Tools[t];
            context.Append(" (").Append(t + 1).Append(") ").Append(tool.Name);
            if (!string.IsNullOrEmpty(tool.Description))
            {
                context.Append(": ").Append(Cut(tool.Description, maxFieldChars / 2));
            }
            context.Append(';');
        }
        context.Append(" | history:");
        if (input.Prefix.Count == 0)
        {
            context.Append(" none");
        }
        for (var k = input.Prefix.Count - 1; k >= 0; k--)
        {
            var step = input.Prefix[k];
            context.Append(" [").Append(k + 1).Append("] ").Append(step.Action ?? "answer").Append(' ').Append(Cut(step.ArgumentsText, maxFieldChars / 2))
                .Append(" -> ").Append(Cut(step.Observation, maxFieldChars / 2)).Append(';');
        }
        return (task, context.ToString());
    }

    private static string Cut(string? text, int chars) =>
        string.IsNullOrEmpty(text) ? "" : text.Length <= chars ? text : text[..chars];
}
