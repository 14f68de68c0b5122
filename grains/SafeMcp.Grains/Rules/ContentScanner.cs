using System.Text.RegularExpressions;
using SafeMcp.Grains.Defenses.Poisoning;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Rules;

/// <summary>Finds taint in what a tool returned: secrets, personal data and instructions aimed at the model.</summary>
public static partial class ContentScanner
{
    /// <summary>Longest content scanned; the tail beyond it is not read.</summary>
    public const int MaxScannedChars = 256 * 1024;

    /// <summary>
    /// Distinct e-mail addresses that make content personal data on their own (a contact list, a dump of users). One
    /// or two (a note that says whom to write to, a signature) are not: they withheld messaging for the rest of the
    /// session. An address beside other personal data (a phone number, a labelled birth date or home address) is.
    /// </summary>
    public const int MinEmailAddressesForPii = 3;

    /// <summary>The taint labels <paramref name="content"/> carries.</summary>
    public static Taint Scan(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return Taint.None;
        }
        var text = content.Length > MaxScannedChars ? content[..MaxScannedChars] : content;
        var taint = Taint.None;
        if (SecretPattern().IsMatch(text))
        {
            taint |= Taint.Secrets;
        }
        if (SsnPattern().IsMatch(text) || ContainsCardNumber(text) || ContainsPersonalContacts(text))
        {
            taint |= Taint.Pii;
        }
        if (InjectionPattern().IsMatch(text) || ContainsHiddenUnicode(text) || ToolPoisoningScanner.ContainsInstructions(text))
        {
            taint |= Taint.UntrustedInstructions;
        }
        return taint;
    }

    /// <summary>The content with secret values replaced by <c>[REDACTED]</c>, cut to <paramref name="maxChars"/>.</summary>
    public static string Redact(string content, int maxChars)
    {
        var text = content.Length > maxChars ? content[..maxChars] : content;
        return SecretPattern().Replace(text, "[REDACTED]");
    }

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

    /// <summary>Whether <paramref name="text"/> holds several people's addresses, or an address with other personal data.</summary>
    private static bool ContainsPersonalContacts(string text)
    {
        HashSet<string>? addresses = null;
        foreach (var match in EmailPattern().EnumerateMatches(text))
        {
            addresses ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            addresses.Add(text.Substring(match.Index, match.Length));
            if (addresses.Count >= MinEmailAddressesForPii)
            {
                return true;
            }
        }
        return addresses is not null && (PhonePattern().IsMatch(text) || PersonalFieldPattern().IsMatch(text));
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

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)|\bAKIA[0-9A-Z]{16}\b|\bsk-[A-Za-z0-9_-]{20,}|\bghp_[A-Za-z0-9]{30,}|\bsmk_[A-Za-z0-9_-]{20,}|\bxox[bpas]-[A-Za-z0-9-]{10,}|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+|(?im)^\s*[A-Z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)[A-Z0-9_]*\s*[:=]\s*\S+", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // International (+CC …) or North American ((555) 123-4567, 555-123-4567) phone numbers.
    [GeneratedRegex(@"\+\d{1,3}[\s.-]?\(?\d{1,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b|\(\d{3}\)\s?\d{3}-\d{4}\b|\b\d{3}-\d{3}-\d{4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"\b(phone|mobile|tel|date\s+of\s+birth|dob|birthday|home\s+address|passport|national\s+id)\s*[:=]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PersonalFieldPattern();

    [GeneratedRegex(@"\b\d{3}-\d{2}-\d{4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex SsnPattern();

    [GeneratedRegex(@"\b(?:\d[ -]?){13,19}\b", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"ignore\s+(all\s+)?(the\s+)?(previous|prior|above|earlier)\s+(instructions|prompts?|rules)|disregard\s+(all\s+)?(previous|prior|your)\s+(instructions|rules)|<\s*/?\s*(IMPORTANT|SYSTEM|system|instructions?)\s*>|\byou\s+(must|should)\s+now\b|\bnew\s+instructions\s*:|\bsystem\s+prompt\s*:|\bdo\s+not\s+(tell|inform|mention\s+this\s+to)\s+the\s+user|\bassistant\s*:\s*sure|\[\s*INST\s*\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InjectionPattern();
}
