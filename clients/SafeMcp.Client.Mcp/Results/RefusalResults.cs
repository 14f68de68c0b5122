using System.Text;
using ModelContextProtocol.Protocol;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Results;

/// <summary>The <c>isError</c> results a refused call gets: they tell the model what was decided, why, and which SAFE-MCP techniques.</summary>
internal static class RefusalResults
{
    /// <summary>A call the cluster denied, or that needed an approval it did not get (<paramref name="why"/> says which).</summary>
    public static CallToolResult Denied(Decision decision, string? why = null)
    {
        var text = new StringBuilder()
            .Append("SafeMCP denied the call to '").Append(decision.Tool).Append("' (verdict ")
            .Append(VerdictName(decision.Verdict)).Append(", decision ").Append(decision.Sequence)
            .Append(", decided by ").Append(string.Join(", ", decision.DecidedBy)).Append(").");
        if (why is not null)
        {
            text.Append(' ').Append(why);
        }
        text.AppendLine().AppendLine("Reasons:");
        foreach (var reason in decision.Reasons)
        {
            text.Append("- ").AppendLine(reason);
        }
        text.Append("SAFE-MCP techniques: ").Append(decision.Techniques.Count == 0 ? "none" : string.Join(", ", decision.Techniques));
        return Error(text.ToString());
    }

    /// <summary>A call that could not be decided at all (the cluster refused the request).</summary>
    public static CallToolResult Undecided(string tool, string problem) =>
        Error($"SafeMCP denied the call to '{tool}': no decision could be made ({problem}). Calls are denied when the cluster cannot decide.");

    /// <summary>The verdict as the wire spells it.</summary>
    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Allow => "allow",
        Verdict.RequireApproval => "require_approval",
        _ => "deny",
    };

    private static CallToolResult Error(string text) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = text }],
    };
}
