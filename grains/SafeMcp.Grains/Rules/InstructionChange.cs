using System.Text.RegularExpressions;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// Whether a new instruction for an open session would relax its checks: grant a task need the current one does not
/// (deletion, privilege, payment, creating a resource, hidden services), drop a request to escape oversight that made
/// calls need a human, or name a value (a password, a host, an address) the rules accept only when the task names it.
/// An agent key may only make changes that relax nothing; an admin key may make any.
/// </summary>
public static partial class InstructionChange
{
    /// <summary>The tool name of the audit row that records an instruction change.</summary>
    public const string AuditTool = "session:instruction";

    /// <summary>Whether <paramref name="next"/> grants anything <paramref name="current"/> does not.</summary>
    public static bool Relaxes(string? current, string? next)
    {
        if (string.Equals(current, next, StringComparison.Ordinal) || next is null)
        {
            return false;
        }
        if (!TaskNeed.Needs(next).IsSubsetOf(TaskNeed.Needs(current)))
        {
            return true;
        }
        if (OversightEvasion.Asked(current) && !OversightEvasion.Asked(next))
        {
            return true;
        }
        foreach (Match value in ValuePattern().Matches(next))
        {
            if (current is null || !current.Contains(value.Value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    // A word with a digit or a host, address or path separator inside: what the rules look up in the task verbatim
    // (a password the user gave, a private host the task names).
    [GeneratedRegex(@"[^\s""'`,;()\[\]{}]*[0-9@.:/\\=_-][^\s""'`,;()\[\]{}]*[^\s""'`,;()\[\]{}.!?:]", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();
}
