using System.Text.RegularExpressions;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// What a secret value looks like, in one place for the content scan, the argument checks and redaction: key formats
/// (private key blocks, AWS, GCP and Azure keys, the product's own <c>smk_</c> keys, OpenAI-style keys, GitHub and
/// Slack tokens, JWTs, bearer tokens), assignments of a password, secret, token or key (<c>DB_PASSWORD=…</c>,
/// <c>"client_secret": "…"</c>) and, for redaction only, high-entropy tokens. Patterns, not proof: a secret in a format
/// none of them knows, or of low entropy, passes (see docs/security.md).
/// </summary>
public static partial class SecretPatterns
{
    /// <summary>What replaces a secret in everything stored.</summary>
    public const string Redacted = "[REDACTED]";

    /// <summary>Shortest token judged by its entropy (<see cref="IsHighEntropy"/>).</summary>
    public const int MinEntropyTokenChars = 24;

    /// <summary>Bits per character from which a token of letters and digits counts as random (English words score about 3).</summary>
    public const double MinEntropyBitsPerChar = 3.6;

    /// <summary>Whether <paramref name="text"/> holds a secret in a known format, an assignment of one, or a line setting a password.</summary>
    public static bool Contains(string text) =>
        KeyFormatPattern().IsMatch(text) || AssignmentPattern().IsMatch(text) || PasswordLinePattern().IsMatch(text);

    /// <summary>The secret values in <paramref name="text"/> (key formats and assigned values), for fingerprinting.</summary>
    public static IEnumerable<string> Values(string text)
    {
        foreach (Match match in KeyFormatPattern().Matches(text))
        {
            yield return match.Value;
        }
        foreach (Match match in AssignmentPattern().Matches(text))
        {
            yield return match.Groups["value"].Value;
        }
        foreach (Match match in PasswordPattern().Matches(text))
        {
            yield return match.Groups["value"].Value;
        }
    }

    /// <summary>
    /// <paramref name="text"/> with every secret replaced by <see cref="Redacted"/>: key formats whole, the value of an
    /// assignment (its name kept, so a reader sees what was there), and high-entropy tokens.
    /// </summary>
    public static string Redact(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }
        var redacted = KeyFormatPattern().Replace(text, Redacted);
        redacted = AssignmentPattern().Replace(redacted, RedactValue);
        redacted = PasswordPattern().Replace(redacted, RedactValue);
        return TokenPattern().Replace(redacted, match => RedactToken(match.Value));
    }

    // An absolute path with a random-looking folder (a temporary or upload directory) loses only that folder, so the
    // history still tells one file from another; any other random-looking token is redacted whole.
    private static string RedactToken(string token)
    {
        if (token.Length > 1 && token[0] == '/')
        {
            var segments = token.Split('/');
            if (Array.Exists(segments, IsHighEntropy))
            {
                return string.Join('/', segments.Select(segment => IsHighEntropy(segment) ? Redacted : segment));
            }
        }
        return IsHighEntropy(token) ? Redacted : token;
    }

    private static string RedactValue(Match match)
    {
        var value = match.Groups["value"];
        return value.Value == Redacted ? match.Value : match.Value[..(value.Index - match.Index)] + Redacted;
    }

    /// <summary>
    /// Whether <paramref name="token"/> looks random: at least <see cref="MinEntropyTokenChars"/> characters mixing
    /// letters and digits, with at least <see cref="MinEntropyBitsPerChar"/> bits of Shannon entropy a character.
    /// </summary>
    public static bool IsHighEntropy(string token)
    {
        if (token.Length < MinEntropyTokenChars)
        {
            return false;
        }
        bool letter = false, digit = false;
        Span<int> counts = stackalloc int[128];
        counts.Clear();
        foreach (var c in token)
        {
            if (c >= 128)
            {
                return false;
            }
            letter |= char.IsAsciiLetter(c);
            digit |= char.IsAsciiDigit(c);
            counts[c]++;
        }
        if (!letter || !digit)
        {
            return false;
        }
        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / token.Length;
                entropy -= p * Math.Log2(p);
            }
        }
        return entropy >= MinEntropyBitsPerChar;
    }

    // Private key blocks (whole, to their end), AWS access key ids, an AWS secret key by its name, GCP API keys, Azure
    // storage keys and SAS signatures, smk_ keys, sk- keys, GitHub tokens (classic and fine-grained), Slack tokens and
    // webhooks, JWTs, bearer tokens.
    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|\z)|\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_-]{35}|\bAccountKey=[A-Za-z0-9+/]{40,}={0,2}|\bsig=[A-Za-z0-9%+/]{30,}={0,2}|\bsmk_[A-Za-z0-9_-]{20,}|\bsk-[A-Za-z0-9_-]{20,}|\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com/services/[A-Za-z0-9/]{20,}|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*|\b[Bb]earer\s+[A-Za-z0-9._~+/-]{16,}=*", RegexOptions.CultureInvariant)]
    private static partial Regex KeyFormatPattern();

    // NAME_PASSWORD=value or NAME_SECRET: value (environment, config and shell style, upper-case names anywhere in the
    // text), and "password": "value" or password=value with the usual lower-case names (JSON, YAML, query strings).
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]*[""']?\s*[:=]\s*[""']?(?<value>(?![0-9]+\b)[^\s""',;&}]{3,})|(?<![A-Za-z0-9])[""']?(secret|client_secret|api_key|apikey|access_token|refresh_token|auth_token|secret_key|aws_secret_access_key|private_key)[""']?\s*[:=]\s*[""']?(?<value>(?![0-9]+\b)[^\s""',;&}]{3,})", RegexOptions.CultureInvariant)]
    private static partial Regex AssignmentPattern();

    // A password handed over in a request ("password": "…", password=…) is the credential checks' (CredentialUse), not a
    // secret leaving: it is redacted wherever it is, and taints content only as a line of its own (a config file).
    [GeneratedRegex(@"(?<![A-Za-z0-9])[""']?(password|passwd|pwd|passphrase)[""']?\s*[:=]\s*[""']?(?<value>[^\s""',;&}]{3,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPattern();

    [GeneratedRegex(@"(?im)^\s*[""']?(password|passwd|pwd|passphrase)[""']?\s*[:=]\s*\S{3,}", RegexOptions.CultureInvariant)]
    private static partial Regex PasswordLinePattern();

    [GeneratedRegex(@"[A-Za-z0-9+/_=-]{24,}", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
