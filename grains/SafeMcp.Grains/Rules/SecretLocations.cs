using System.Text;
using System.Text.RegularExpressions;
using SafeMcp.Grains.Text;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// Whether an argument names where credentials are kept: dotenv files, SSH and GnuPG keys, cloud and cluster
/// credentials (<c>.aws/credentials</c>, <c>.kube/config</c>, <c>.docker/config.json</c>, gcloud, Azure), package
/// registry tokens (<c>.npmrc</c>, <c>.pypirc</c>), <c>.netrc</c>, the GitHub CLI's <c>gh/hosts.yml</c>, Terraform
/// variables and state, key stores. Sees through the usual disguises: URL-encoding (<c>.e%6Ev</c>), fullwidth and other
/// compatibility forms (<c>．env</c>), invisible characters, case, editor backups (<c>.env~</c>, <c>.env.bak</c>) and
/// glob patterns that would match such a file (<c>.en?</c>, <c>id_*</c>).
/// </summary>
public static partial class SecretLocations
{
    // Names a glob pattern in an argument is tried against: one of each kind of credential file the pattern knows.
    private static readonly string[] s_globCandidates =
    [
        ".env", ".env.local", ".env.production", ".ssh", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".aws", ".gnupg", ".netrc",
        ".pgpass", ".npmrc", ".pypirc", ".git-credentials", ".kube", ".docker", ".dockercfg", ".my.cnf", ".s3cfg", ".boto",
        ".vault-token", ".htpasswd", "credentials", "secrets", "secret", "passwords", "shadow", "private_key", "server.pem",
        "server.key", "keystore.p12", "terraform.tfvars", "terraform.tfstate", "hosts.yml",
    ];

    /// <summary>Whether <paramref name="text"/> names a credential location, plainly or in disguise.</summary>
    public static bool Named(string text)
    {
        if (LocationPattern().IsMatch(text))
        {
            return true;
        }
        var normalized = Normalize(text);
        if (!ReferenceEquals(normalized, text) && LocationPattern().IsMatch(normalized))
        {
            return true;
        }
        return normalized.AsSpan().IndexOfAny('*', '?', '[') >= 0 && GlobMatchesSecret(normalized);
    }

    /// <summary>
    /// <paramref name="text"/> with what disguises a path undone: percent-encoding decoded (twice, for double encoding),
    /// compatibility forms folded (<see cref="CompatibilityFold"/>: fullwidth dot and letters), invisible characters removed. The same instance
    /// when there is nothing to undo.
    /// </summary>
    public static string Normalize(string text)
    {
        var result = text;
        for (var pass = 0; pass < 2 && result.Contains('%', StringComparison.Ordinal); pass++)
        {
            try
            {
                var decoded = Uri.UnescapeDataString(result);
                if (decoded == result)
                {
                    break;
                }
                result = decoded;
            }
            catch (UriFormatException)
            {
                break;
            }
        }
        if (!Ascii.IsValid(result))
        {
            result = CompatibilityFold.Fold(result);
            if (ContentScanner.IndexOfHiddenUnicode(result) >= 0)
            {
                result = DecodedText.WithoutHiddenCharacters(result);
            }
        }
        return result;
    }

    private static bool GlobMatchesSecret(string text)
    {
        foreach (var segment in SegmentPattern().EnumerateMatches(text))
        {
            var glob = text.AsSpan(segment.Index, segment.Length);
            if (glob.IndexOfAny('*', '?', '[') < 0 || glob.Length > 64)
            {
                continue;
            }
            var literal = 0;
            foreach (var c in glob)
            {
                literal += c is '*' or '?' or '[' or ']' ? 0 : 1;
            }
            if (literal == 0)
            {
                continue;
            }
            Regex pattern;
            try
            {
                pattern = new Regex(GlobToRegex(glob), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(5));
            }
            catch (ArgumentException)
            {
                continue;
            }
            foreach (var candidate in s_globCandidates)
            {
                try
                {
                    if (pattern.IsMatch(candidate))
                    {
                        return true;
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static string GlobToRegex(ReadOnlySpan<char> glob)
    {
        var regex = new StringBuilder("^");
        var inClass = false;
        foreach (var c in glob)
        {
            if (inClass)
            {
                regex.Append(c == ']' ? "]" : c == '\\' ? @"\\" : c.ToString());
                inClass = c != ']';
                continue;
            }
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    regex.Append('[');
                    inClass = true;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        if (inClass)
        {
            regex.Append(']');
        }
        return regex.Append('$').ToString();
    }

    // A path segment: what lies between separators, spaces and quotes.
    [GeneratedRegex(@"[^/\\\s""'=:,;]+", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentPattern();

    [GeneratedRegex(@"(^|[/\\\s""'=~:])(\.env(\.[a-z0-9_-]+)?|\.ssh|id_(rsa|dsa|ecdsa|ed25519)|\.aws|\.gnupg|[._]netrc|\.pgpass|\.npmrc|\.pypirc|\.git-credentials|\.kube|\.docker[/\\]config\.json|\.dockercfg|gh[/\\]hosts\.ya?ml|\.my\.cnf|\.s3cfg|\.boto|\.azure|gcloud|application_default_credentials\.json|\.vault-token|\.htpasswd|[a-z0-9_.-]*\.tfvars(\.json)?|[a-z0-9_.-]*\.tfstate(\.backup)?|credentials(\.json|\.db|\.csv|\.xml)?|secrets?(\.[a-z]+)?|passwords?(\.[a-z]+)?|shadow|private[_-]?key|[a-z0-9_-]+\.(pem|key|p12|pfx|kdbx|jks|keystore|ppk))(~|\#|\.(bak|old|orig|save|swp|swo|backup|copy|tmp))*($|[/\\\s""'.,;)\]])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LocationPattern();
}
