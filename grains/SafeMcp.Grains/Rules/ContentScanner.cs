using System.Text.RegularExpressions;
using SafeMcp.Grains.Defenses.Poisoning;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Rules;

/// <summary>Finds taint in what a tool returned: secrets, personal data and instructions aimed at the model.</summary>
public static partial class ContentScanner
{
    /// <summary>Longest content scanned; the tail beyond it is not read.</summary>
    public const int MaxScannedChars = 256 * 1024;

    /// <summary>The taint labels <paramref name="content"/> carries.</summary>
    public static Taint Scan(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return Taint.None;
        }
        var text = content.Length > MaxScannedChars ? content[..MaxScannedChars] : content;
        var taint = Taint.None;
        if (SecretPatterns.Contains(text))
        {
            taint |= Taint.Secrets;
        }
        if (EmailPattern().IsMatch(text) || SsnPattern().IsMatch(text) || ContainsCardNumber(text))
        {
            taint |= Taint.Pii;
        }
        if (InjectionPattern().IsMatch(text) || ContainsHiddenUnicode(text) || ToolPoisoningScanner.ContainsInstructions(text))
        {
            taint |= Taint.UntrustedInstructions;
        }
        return taint;
    }

    /// <summary>The content with secret values replaced by <c>[REDACTED]</c> (see <see cref="SecretPatterns.Redact"/>), cut to <paramref name="maxChars"/>.</summary>
    public static string Redact(string content, int maxChars)
    {
        // Redacted a little past the cut, so a secret that straddles it is not left half in clear.
        var text = content.Length > maxChars + RedactionMargin ? content[..(maxChars + RedactionMargin)] : content;
        var redacted = SecretPatterns.Redact(text);
        return redacted.Length > maxChars ? redacted[..maxChars] : redacted;
    }

    // Longer than any single-line key format the patterns know.
    private const int RedactionMargin = 512;

    /// <summary>True when the text carries characters a human does not see: tag characters, zero-width or bidi controls.</summary>
    public static bool ContainsHiddenUnicode(string text) => IndexOfHiddenUnicode(text) >= 0;

    /// <summary>
    /// The index of the first character a human does not see (tag characters, zero-width, bidi controls and marks,
    /// invisible operators, interlinear annotations, supplementary variation selectors), or -1.
    /// </summary>
    public static int IndexOfHiddenUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u061C' or '\u180E' or '\uFEFF'
                or (>= '\u2060' and <= '\u2064') or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or (>= '\uFFF9' and <= '\uFFFB'))
            {
                return i;
            }
            // Tag characters U+E0000–U+E007F and variation selectors U+E0100–U+E01EF (used to smuggle bytes) are
            // encoded as the surrogate pair DB40 DC00–DDEF.
            if (c == '\uDB40' && i + 1 < text.Length && text[i + 1] is >= '\uDC00' and <= '\uDDEF')
            {
                return i;
            }
        }
        return -1;
    }

    private static bool ContainsCardNumber(string text)
    {
        foreach (Match match in CardPattern().Matches(text))
        {
            var digits = match.Value.Where(char.IsDigit).Select(c => c - '0').ToArray();
            if (digits.Length is >= 13 and <= 19 && PassesLuhn(digits))
            {
                return true;
            }
        }
        return false;
    }

    private static bool PassesLuhn(int[] digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\b\d{3}-\d{2}-\d{4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex SsnPattern();

    [GeneratedRegex(@"\b(?:\d[ -]?){13,19}\b", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"ignore\s+(all\s+)?(the\s+)?(previous|prior|above|earlier)\s+(instructions|prompts?|rules)|disregard\s+(all\s+)?(previous|prior|your)\s+(instructions|rules)|<\s*/?\s*(IMPORTANT|SYSTEM|system|instructions?)\s*>|\byou\s+(must|should)\s+now\b|\bnew\s+instructions\s*:|\bsystem\s+prompt\s*:|\bdo\s+not\s+(tell|inform|mention\s+this\s+to)\s+the\s+user|\bassistant\s*:\s*sure|\[\s*INST\s*\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InjectionPattern();
}
