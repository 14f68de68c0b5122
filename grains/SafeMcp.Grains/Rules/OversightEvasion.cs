using System.Text.RegularExpressions;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// A task that asks for its work to escape oversight: to leave no trace, no logs or no records, to be untraceable or
/// off the books, to go undetected. Whoever wrote it (an insider, or text injected into the instruction), an agent
/// told to act where no one can check it is the case a supervisor exists for, so every call of such a session that
/// acts on the world needs a human.
/// <para>
/// The boundary: the phrases ask for the agent's own actions to be hidden ("nothing should be traceable back to us",
/// "can't risk creating logs", "make the payment off the books", "without being detected"). Privacy of data is not
/// evasion: "anonymize the survey answers", "logs must not contain PII", "delete the temporary files" and "an
/// anonymous feedback form" do not match, nor does "anonymous" alone.
/// </para>
/// </summary>
public static partial class OversightEvasion
{
    /// <summary>Whether the instruction asks for the work to escape oversight (see the class).</summary>
    public static bool Asked(string? instruction) => !string.IsNullOrWhiteSpace(instruction) && EvasionPattern().IsMatch(instruction);

    [GeneratedRegex(@"\b(untraceable|untrackable|off[- ]the[- ](books|record))\b|\b(leave|leaves|leaving)\s+(no|any)\s+(traces?|trail|records?|logs?)\b|\bwithout\s+(leaving\s+)?(a|any)\s+(traces?|trail)\b|\bwithout\s+(any\s+)?(official\s+)?records\b|\b(no|nothing|not)\b[^.!?\n]{0,40}\b(be\s+)?(traceable|traced|tracked)\b|\b(can'?t|cannot|must\s+not|mustn'?t|don'?t|do\s+not|should\s+not|shouldn'?t|won'?t)\s+(risk\s+|afford\s+)?(creat|leav|generat|trigger|produc)\w*\s+(any\s+)?(logs?|records?|audit\s+trails?|alerts?)\b|\b(undetected|unnoticed)\b|\bwithout\s+(being\s+)?(detected|noticed|logged|flagged)\b|\b(avoid|evade|evading|avoiding|escape|escaping)\s+(any\s+)?(detection|monitoring|logging|auditing|the\s+audit)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EvasionPattern();
}
