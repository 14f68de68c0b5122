using System.Text.RegularExpressions;
using SafeMcp.Grains.Text;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// Research into attack tooling through a search tool: the agent looking for a way in rather than for the task's
/// answer. A query asks for attack tooling when it names
/// <list type="bullet">
/// <item>something that serves only an attack: a zero-day, privilege escalation (<c>privesc</c>, "get root"), hacking
/// into something or hacking techniques, unauthorized access, remote code execution (<c>RCE</c>), cracking or
/// brute-forcing passwords, Metasploit or Exploit-DB, backdoor access; or</item>
/// <item>an exploit (<c>exploit</c>, <c>exploits</c>, <c>exploitation</c>) together with a technical target: a
/// vulnerability or CVE, a kernel, version, server, device, network, service, firmware, shell, payload, login…
/// ("exploit market opportunities" has no such target; "exploit network effects" does, a known false positive).</item>
/// </list>
/// The boundary: a query that also names a defensive aim (patch, fix, mitigate, remediate, detect, defend, protect,
/// prevent, harden, advisory, disclosure, workaround, security update) is research for the defender and is not
/// flagged ("log4j exploit mitigation", "zero-day patch status"); a vulnerability or CVE lookup without an exploit
/// ("CVE-2021-44228", "firmware 3.1.2 vulnerabilities", "vulnerability disclosure policy") is what a patching task
/// needs and is not flagged either; and searches for circumventing a control ("bypass certificate error", "disable
/// firewall") are common in ordinary administration and are left to the layers that judge the commands that follow.
/// A query can be reworded past any list of words: this is a tripwire for the plain case, not a boundary an adversary
/// cannot cross.
/// </summary>
public static partial class AttackResearch
{
    // Words of a tool's name that say it searches or looks things up (query_bing_search, web_search, cve_lookup).
    private static readonly string[] s_searchWords = ["search", "lookup", "browse"];

    /// <summary>
    /// Whether a tool's name says it searches, looks up or browses (read once, into <see cref="ToolProfile.Searches"/>).
    /// </summary>
    public static bool IsSearch(string toolName) => WordSplitter.Words(toolName).Overlaps(s_searchWords);

    /// <summary>Whether <paramref name="text"/> asks for attack tooling and names no defensive aim (see the class).</summary>
    public static bool AsksForAttackTooling(string text)
    {
        if (text.Length < 3 || text.Length > 2048)
        {
            // A query is short; a long text (a document, a request body) is not research phrased as a query.
            return false;
        }
        var offensive = AttackOnlyPattern().IsMatch(text) || ExploitPattern().IsMatch(text) && ExploitTargetPattern().IsMatch(text);
        return offensive && !DefensiveAimPattern().IsMatch(text);
    }

    [GeneratedRegex(@"\bzero-?days?\b|\b0-?days?\b|\bprivilege\s+escalation\b|\bprivesc\b|\bescalat\w*\s+(my\s+|the\s+)?privileges?\b|\b(gain|get|getting|obtain)\s+root\b|\broot\s+exploits?\b|\bhow\s+to\s+hack\b|\bhack(ing)?\s+into\b|\bhacking\s+(techniques?|tools?|methods?|tutorials?|guides?)\b|\bunauthori[sz]ed\s+access\b|\bremote\s+code\s+execution\b|\brce\b|\b(crack(ing)?|brute[- ]?forc(e|ing))\s+(the\s+|a\s+)?(password|passwords|hash|hashes|login|logins|credentials?)\b|\b(password|hash|credential)s?\s+crack(ing|er|ers)?\b|\bmetasploit\b|\bexploit-?db\b|\bbackdoor\s+access\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AttackOnlyPattern();

    [GeneratedRegex(@"\bexploit(s|ing|ation|able)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExploitPattern();

    [GeneratedRegex(@"\b(vulnerabilit(y|ies)|vulns?|cve|kernel|version|root|ssh|rdp|smb|firmware|devices?|servers?|networks?|systems?|services?|software|mechanism|access|shell|payload|bugs?|flaws?|linux|windows|android|ios|routers?|iot|sql|injection|overflow|privileges?|remote|login|authentication|ports?|web\s*apps?|applications?|api)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExploitTargetPattern();

    [GeneratedRegex(@"\b(patch(es|ed|ing)?|fix(es|ed|ing)?|mitigat\w*|remediat\w*|detect\w*|defen[cs]\w*|defend\w*|protect\w*|prevent\w*|harden\w*|advisor(y|ies)|disclosure|workarounds?|security\s+updates?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DefensiveAimPattern();
}
