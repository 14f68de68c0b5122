using System.Text.Json;
using System.Text.RegularExpressions;
using SafeMcp.Grains.Text;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Rules;

/// <summary>Reads the signals and the effective capabilities of one call from its arguments.</summary>
public static partial class CallInspector
{
    /// <summary>Longest argument string inspected; the rest is not scanned.</summary>
    public const int MaxScannedChars = 16 * 1024;

    // Arguments nested deeper than this are not read (the API refuses deeper documents before they get here).
    private const int MaxDepth = 32;

    /// <summary>Inspects a call of <paramref name="tool"/> with <paramref name="arguments"/>.</summary>
    public static (CallSignal Signals, Capability Capabilities) Inspect(ToolProfile tool, JsonElement? arguments)
    {
        var signals = CallSignal.None;
        var capabilities = tool.Capabilities;
        if (arguments is { } args)
        {
            Walk(args, null, tool.Capabilities, tool.Searches, ref signals, depth: 0);
            capabilities = NarrowToOperation(tool, args, capabilities);
        }
        if ((signals & CallSignal.CommandEgress) != 0 || (signals & CallSignal.ExternalTarget) != 0 && (tool.Capabilities & (Capability.Exec | Capability.NetEgress | Capability.Messaging)) != 0)
        {
            capabilities |= Capability.NetEgress;
        }
        if ((signals & (CallSignal.Destruction | CallSignal.MassDestruction)) != 0)
        {
            capabilities |= Capability.FsDelete;
        }
        if ((signals & (CallSignal.PrivilegeChange | CallSignal.SandboxEscape)) != 0)
        {
            capabilities |= Capability.Identity;
        }
        if ((signals & CallSignal.SecretLocation) != 0 && (tool.Capabilities & (Capability.FsRead | Capability.Exec)) != 0)
        {
            capabilities |= Capability.Secrets;
        }
        return (signals, capabilities);
    }

    /// <summary>
    /// A tool that does several things picks one by an argument (<c>{"operation":"read"}</c>): the call can do only
    /// what that verb names, so a read through a read-write-delete tool is not a deletion. Only the capabilities the
    /// tool's name does not itself claim are dropped (<c>delete_logs</c> with <c>{"action":"read"}</c> still deletes),
    /// and only write and delete: a verb cannot make a call less able to run code or reach the network.
    /// </summary>
    private static Capability NarrowToOperation(ToolProfile tool, JsonElement args, Capability capabilities)
    {
        if ((capabilities & (Capability.FsWrite | Capability.FsDelete)) == 0 || args.ValueKind != JsonValueKind.Object)
        {
            return capabilities;
        }
        string? verb = null;
        foreach (var property in args.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String && Array.IndexOf(s_operationKeys, property.Name.ToLowerInvariant()) >= 0)
            {
                verb = property.Value.GetString()?.Trim().ToLowerInvariant();
                break;
            }
        }
        if (string.IsNullOrEmpty(verb))
        {
            return capabilities;
        }
        var named = CapabilityClassifier.OfVerb(verb);
        if (named == Capability.None)
        {
            return capabilities;
        }
        var claimedByName = Capability.None;
        foreach (var word in WordSplitter.Words(tool.Name))
        {
            claimedByName |= CapabilityClassifier.OfVerb(word);
        }
        var droppable = (Capability.FsWrite | Capability.FsDelete) & ~named & ~claimedByName;
        return capabilities & ~droppable;
    }

    private static readonly string[] s_operationKeys = ["operation", "op", "action", "verb"];

    // Keys whose value "host" gives a container the host's namespace (network, processes, IPC, users).
    private static readonly string[] s_namespaceKeys = ["network", "net", "network_mode", "networkmode", "pid", "pid_mode", "pidmode", "ipc", "ipc_mode", "userns", "userns_mode", "uts"];

    // Keys naming the account a call acts as, and the superuser accounts among their values.
    private static readonly string[] s_accountKeys = ["user", "username", "user_name", "login", "as_user", "run_as", "runas"];
    private static readonly string[] s_superusers = ["root", "admin", "administrator", "superuser", "sysadmin"];

    // Keys that name a credential the call supplies.
    private static readonly string[] s_credentialKeys = ["password", "passwd", "pwd", "passphrase", "pin", "passcode"];

    private static void Walk(JsonElement element, string? key, Capability toolCapabilities, bool searches, ref CallSignal signals, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, property.Name, toolCapabilities, searches, ref signals, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, key, toolCapabilities, searches, ref signals, depth + 1);
                }
                break;
            case JsonValueKind.String:
                var text = element.GetString() ?? string.Empty;
                if (text.Length > MaxScannedChars)
                {
                    text = text[..MaxScannedChars];
                }
                signals |= InspectString(text, toolCapabilities, searches);
                if (key is not null)
                {
                    signals |= InspectKeyed(key.ToLowerInvariant(), text, toolCapabilities);
                }
                if (InternalHostsIn(key, text, toolCapabilities, into: null))
                {
                    signals |= CallSignal.InternalTarget;
                }
                break;
            case JsonValueKind.True when key is not null && (toolCapabilities & Capability.Exec) != 0 && key.Equals("privileged", StringComparison.OrdinalIgnoreCase):
                signals |= CallSignal.SandboxEscape;
                break;
        }
    }

    /// <summary>The signals of a string by the key it is the value of.</summary>
    private static CallSignal InspectKeyed(string key, string text, Capability toolCapabilities)
    {
        var signals = CallSignal.None;
        if (Array.IndexOf(s_credentialKeys, key) >= 0 && !string.IsNullOrWhiteSpace(text))
        {
            signals |= CallSignal.CredentialUse;
        }
        if ((toolCapabilities & (Capability.Exec | Capability.NetEgress)) != 0 && Array.IndexOf(s_accountKeys, key) >= 0
            && Array.IndexOf(s_superusers, text.Trim().ToLowerInvariant()) >= 0)
        {
            signals |= CallSignal.SuperuserAccount;
        }
        if ((toolCapabilities & Capability.Exec) != 0)
        {
            if (text.Equals("host", StringComparison.OrdinalIgnoreCase) && Array.IndexOf(s_namespaceKeys, key) >= 0
                || key == "privileged" && text.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                signals |= CallSignal.SandboxEscape;
            }
        }
        return signals;
    }

    /// <summary>
    /// The passwords (or passphrases, PINs) a call supplies: values of credential keys, and <c>password=…</c> or
    /// <c>"password":"…"</c> written inside a string (a request body).
    /// </summary>
    public static List<string> SuppliedCredentials(JsonElement? arguments)
    {
        var found = new List<string>();
        foreach (var (key, text) in StringsOf(arguments))
        {
            if (key is not null && Array.IndexOf(s_credentialKeys, key.ToLowerInvariant()) >= 0 && !string.IsNullOrWhiteSpace(text))
            {
                found.Add(text.Trim());
            }
            foreach (Match match in EmbeddedCredentialPattern().Matches(text))
            {
                found.Add(match.Groups["value"].Value);
            }
        }
        return found;
    }

    /// <summary>
    /// The private-network hosts (see <see cref="IsInternalHost"/>) a call of a tool with
    /// <paramref name="toolCapabilities"/> reaches through <paramref name="arguments"/> (see <see cref="InternalHostsIn"/>).
    /// </summary>
    public static List<string> InternalHosts(JsonElement? arguments, Capability toolCapabilities)
    {
        var hosts = new List<string>();
        foreach (var (key, text) in StringsOf(arguments))
        {
            InternalHostsIn(key, text, toolCapabilities, hosts);
        }
        return hosts;
    }

    /// <summary>
    /// Whether one argument string names a private-network host, and when <paramref name="into"/> is given, adds every
    /// one it names to it: the hosts of its URLs; when the tool runs commands, the destinations of the remote shells
    /// and copies it runs (<c>ssh user@host</c>, <c>scp f user@host:/p</c>, <c>rsync</c>, <c>sftp</c>) and the
    /// addresses or ranges its network scanners probe (<c>nmap 192.168.1.0/24</c>, <c>masscan</c>, <c>zmap</c>); when
    /// the tool reaches the network, the value of a host key (<c>{"host":"hr-server"}</c>). Loopback hosts are not
    /// private-network hosts. Without <paramref name="into"/> it stops at the first, allocating nothing.
    /// </summary>
    private static bool InternalHostsIn(string? key, string text, Capability toolCapabilities, List<string>? into)
    {
        var found = Collect(UrlPattern(), "host", text, into);
        if ((toolCapabilities & Capability.Exec) != 0)
        {
            if (!found || into is not null)
            {
                found |= Collect(RemoteShellPattern(), "host", text, into);
            }
            if (!found || into is not null)
            {
                found |= Collect(ScanTargetPattern(), "target", text, into);
            }
        }
        if (found && into is null)
        {
            return true;
        }
        if (key is not null && (toolCapabilities & (Capability.NetEgress | Capability.Exec)) != 0
            && (key.Equals("host", StringComparison.OrdinalIgnoreCase) || key.Equals("hostname", StringComparison.OrdinalIgnoreCase))
            && IsPrivateDestination(text.Trim()))
        {
            into?.Add(text.Trim());
            found = true;
        }
        return found;
    }

    private static bool Collect(Regex pattern, string group, string text, List<string>? into)
    {
        var found = false;
        for (var match = pattern.Match(text); match.Success; match = match.NextMatch())
        {
            var host = match.Groups[group].Value;
            if (IsPrivateDestination(host))
            {
                found = true;
                if (into is null)
                {
                    return true;
                }
                into.Add(host);
            }
        }
        return found;
    }

    /// <summary>
    /// A host, or an address range (<c>10.0.0.0/8</c>), on a private network and not the loopback, nor a placeholder
    /// (see <see cref="IsPlaceholderHost"/>).
    /// </summary>
    private static bool IsPrivateDestination(string host)
    {
        var slash = host.IndexOf('/', StringComparison.Ordinal);
        var address = slash > 0 ? host[..slash] : host;
        return address.Length > 0 && !IsLoopbackHost(address) && IsInternalHost(address) && !IsPlaceholderHost(address);
    }

    /// <summary>
    /// A single-label name that stands for an address the writer did not know (<c>server_ip</c>, <c>archive_server_ip</c>,
    /// <c>target_ip_address</c>, <c>your_server</c>, a bare <c>host</c>): its last word is ip, address or addr, its first
    /// word is your, or it is the word host or hostname alone. Agents write these when a template is left unfilled; such
    /// a name reaches no host, so it names no private target. A name with a dot, or any other single label
    /// (<c>hr-server</c>, <c>vpn-host</c>, <c>db01</c>), stays a host: a real machine may be called that.
    /// </summary>
    internal static bool IsPlaceholderHost(string host) => PlaceholderHostPattern().IsMatch(host);

    [GeneratedRegex(@"^(your[_-][a-z0-9_-]+|([a-z0-9]+[_-])*(ip|ipaddr|ip[_-]?address|address|addr)|host|hostname)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderHostPattern();

    private static List<ArgumentString> StringsOf(JsonElement? arguments)
    {
        var strings = new List<ArgumentString>();
        if (arguments is { } args)
        {
            ArgumentStrings.Collect(args, strings, MaxDepth);
        }
        return strings;
    }

    /// <summary>
    /// The signals of one argument string of a tool with <paramref name="toolCapabilities"/>; a query for attack tooling
    /// (<see cref="CallSignal.AttackTooling"/>) is looked for only when the tool <paramref name="searches"/>.
    /// </summary>
    public static CallSignal InspectString(string text, Capability toolCapabilities, bool searches)
    {
        var signals = CallSignal.None;
        if (SecretLocationPattern().IsMatch(text))
        {
            signals |= CallSignal.SecretLocation;
        }
        if (SecretValuePattern().IsMatch(text))
        {
            signals |= CallSignal.SecretValue;
        }
        // Every URL the pattern finds has "://": most strings have none, and then no match collection is made.
        if (text.Contains("://", StringComparison.Ordinal))
        {
            signals |= UrlSignals(text);
        }
        if (EmbeddedCredentialPattern().IsMatch(text))
        {
            signals |= CallSignal.CredentialUse;
        }
        if (TraversalPattern().IsMatch(text)
            && (!ClimbOnlyPattern().IsMatch(text) || (toolCapabilities & (Capability.FsWrite | Capability.FsDelete | Capability.Exec)) != 0))
        {
            signals |= CallSignal.PathTraversal;
        }
        if (searches && AttackResearch.AsksForAttackTooling(text))
        {
            signals |= CallSignal.AttackTooling;
        }
        if (SqlDestructionPattern().IsMatch(text))
        {
            signals |= CallSignal.Destruction;
        }

        var isCommand = (toolCapabilities & Capability.Exec) != 0;
        if (isCommand)
        {
            if (ShellDestructionPattern().IsMatch(text))
            {
                signals |= CallSignal.Destruction;
            }
            if (MassDestructionPattern().IsMatch(text))
            {
                signals |= CallSignal.MassDestruction | CallSignal.Destruction;
            }
            if (PrivilegePattern().IsMatch(text))
            {
                signals |= CallSignal.PrivilegeChange;
            }
            if (SandboxEscapePattern().IsMatch(text))
            {
                signals |= CallSignal.SandboxEscape;
            }
            if (CredentialDumpPattern().IsMatch(text))
            {
                signals |= CallSignal.CredentialDump;
            }
            if (SuperuserLoginPattern().IsMatch(text))
            {
                signals |= CallSignal.SuperuserAccount;
            }
            if (CommandEgressPattern().IsMatch(text))
            {
                signals |= CallSignal.CommandEgress;
            }
            if (ChainingPattern().IsMatch(text))
            {
                signals |= CallSignal.CommandChaining;
            }
        }

        if ((toolCapabilities & Capability.Messaging) != 0 && SocialEngineeringPattern().IsMatch(text))
        {
            signals |= CallSignal.SocialEngineering;
        }

        var deletes = isCommand || (toolCapabilities & Capability.FsDelete) != 0;
        if (deletes && (LogTargetPattern().IsMatch(text) && (isCommand ? ShellDestructionPattern().IsMatch(text) || TruncatePattern().IsMatch(text) : true)
            || AuditDisablePattern().IsMatch(text)))
        {
            signals |= CallSignal.DefenseEvasion;
        }
        return signals;
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.StartsWith("127.", StringComparison.Ordinal) || host == "[::1]";

    /// <summary>
    /// A host on a private network: an RFC 1918 or link-local address (cloud metadata lives at 169.254.169.254), a
    /// single-label name only an internal resolver knows, or a name under an internal-only suffix.
    /// </summary>
    public static bool IsInternalHost(string host) =>
        PrivateAddressPattern().IsMatch(host) || !host.Contains('.', StringComparison.Ordinal) && !host.StartsWith('[')
        || InternalSuffixPattern().IsMatch(host);

    [GeneratedRegex(@"(^|[/\\\s""'=~])(\.env(\.[a-z]+)?|\.ssh|id_rsa|id_ed25519|id_ecdsa|\.aws|\.gnupg|\.netrc|\.pgpass|\.npmrc|\.pypirc|\.git-credentials|\.kube|credentials(\.json)?|secrets?(\.[a-z]+)?|passwords?(\.[a-z]+)?|shadow|private[_-]?key|[a-z0-9_-]+\.(pem|key|p12|pfx|kdbx))($|[/\\\s""'.])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretLocationPattern();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\bsk-[A-Za-z0-9_-]{20,}|\bghp_[A-Za-z0-9]{30,}|\bsmk_[A-Za-z0-9_-]{20,}|\bxox[bpas]-[A-Za-z0-9-]{10,}|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.", RegexOptions.CultureInvariant)]
    private static partial Regex SecretValuePattern();

    /// <summary>The signals of the URLs in <paramref name="text"/>: an external target, a hidden service.</summary>
    private static CallSignal UrlSignals(string text)
    {
        var signals = CallSignal.None;
        foreach (Match url in UrlPattern().Matches(text))
        {
            var host = url.Groups["host"].Value;
            if (!IsLoopbackHost(host))
            {
                signals |= CallSignal.ExternalTarget;
                if (HiddenServicePattern().IsMatch(host))
                {
                    signals |= CallSignal.HiddenService;
                }
            }
        }
        return signals;
    }

    [GeneratedRegex(@"\b(?:https?|ftp|wss?)://(?<host>\[[0-9a-f:]+\]|[^/\s:""'?#]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"(^|[/\\])\.\.([/\\]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex TraversalPattern();

    // A path of climbs alone ("..", "../..", "..\.."): it names an ancestor directory, not a file in it. Through a tool
    // that only reads, that is a listing of a directory an absolute path ("/") names as well, which the rule layer does
    // not confine either; a climb followed by a target ("../../etc/passwd"), a climb after a descent ("docs/../.."),
    // and any climb through a tool that writes, deletes or runs code stay path traversal.
    [GeneratedRegex(@"^\s*\.\.([/\\]\.\.)*[/\\]?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ClimbOnlyPattern();

    [GeneratedRegex(@"\.(onion|i2p)\.?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HiddenServicePattern();

    [GeneratedRegex(@"\b(drop\s+(table|database|schema)|truncate\s+table|delete\s+from\s+\w+\s*(;|$))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SqlDestructionPattern();

    [GeneratedRegex(@"(^|[;&|\s])(rm\s+(-[a-z]*\s+)*|rmdir\s|shred\s|unlink\s|mkfs|dd\s+if=|del\s+/[sq]|rd\s+/s|find\s.*-delete|truncate\s+-s\s*0|>\s*/dev/sd)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShellDestructionPattern();

    [GeneratedRegex(@"\brm\s+(-[a-z]*[rf][a-z]*\s+)+(/|/\*|~|~/|\$HOME|\*|\.|/home|/etc|/var|/usr)(\s|$)|mkfs|dd\s+if=.*of=/dev/", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MassDestructionPattern();

    // chattr changes the attributes (immutable, append-only) the system protects files with; a chmod of any mode on a
    // system directory loosens what only root should change; remounting a filesystem read-write lifts the read-only
    // protection it was mounted with (a remount read-only, or a plain mount, is not flagged).
    [GeneratedRegex(@"(^|[;&|\s])(sudo|su\s+-|chmod\s+([0-7]*7[0-7]*|[ugoa]*\+[rwxs]+)|chmod\s+(-[a-z]+\s+)*\S+\s+/(etc|usr|bin|sbin|boot|lib|lib64|root|var/lib)(/|\s|$)|chown|chgrp|chattr|setcap|usermod|useradd|visudo|passwd|setuid|/etc/sudoers|mount\s[^;&|]*\bremount\b[^;&|]*\brw\b|mount\s[^;&|]*\brw\b[^;&|]*\bremount\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrivilegePattern();

    // A container run with the host's namespaces, full privileges, added kernel capabilities, the host's root or the
    // runtime's socket mounted: the isolation the container stands for is gone.
    [GeneratedRegex(@"--privileged\b|--(net|network|pid|ipc|userns|uts)[=\s]+host\b|--cap-add[=\s]|(^|[\s""'=])(/|/etc|/root|/proc|/sys|/dev|/boot):/|/var/run/docker\.sock|/run/containerd/containerd\.sock", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SandboxEscapePattern();

    [GeneratedRegex(@"(^|[\s""'=:])(/etc/shadow|/etc/gshadow|/etc/master\.passwd|ntds\.dit|\\config\\(sam|security)\b|/config/(sam|security)\b|\bhklm\\(sam|security)\b|lsass(\.exe|\.dmp)?\b|\bmimikatz\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialDumpPattern();

    // An IPv4 address or range a network scanner probes (nmap, masscan, zmap).
    [GeneratedRegex(@"(?<=(^|[;&|\s(])(nmap|masscan|zmap)\s[^;&|]*?)(?<![\w.])(?<target>\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(/\d{1,2})?)(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex ScanTargetPattern();

    // The destination of a remote shell or copy: the host after "user@" in an ssh, scp, sftp or rsync command.
    [GeneratedRegex(@"(^|[;&|\s(])(ssh|scp|sftp|rsync)\s[^;&|]*?[A-Za-z0-9_.-]+@(?<host>[A-Za-z0-9_.-]*[A-Za-z0-9_-])", RegexOptions.CultureInvariant)]
    private static partial Regex RemoteShellPattern();

    [GeneratedRegex(@"(^|[;&|\s(])(ssh|scp|sftp|rsync|mysql|psql)\s[^;&|]*?(\b(root|admin|administrator)@[a-z0-9]|-u\s*(root|admin)\b|-l\s+(root|admin)\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SuperuserLoginPattern();

    [GeneratedRegex(@"\b(verify|confirm|update|validate)\s+your\s+(account|access|login|password|credentials|identity|pin)\b|\b(reply|respond)\b[^.]{0,60}\bwith\s+your\s+(password|credentials|login|pin|access)|\b(send|provide|share|enter)\s+(us\s+|me\s+)?your\s+(password|credentials|login\s+details|pin)\b|\b(bypass(ing)?|circumvent(ing)?|get(ting)?\s+around|evad(e|ing))\s+(the\s+|current\s+|any\s+|all\s+|our\s+|their\s+)?([a-z]+\s+)?(restrictions?|security|firewalls?|vpn|authentication|controls?|filters?|monitoring|antivirus|blocks?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SocialEngineeringPattern();

    [GeneratedRegex(@"[""']\b(password|passwd|pwd|passphrase|passcode)[""']\s*:\s*[""'](?<value>[^""']+)[""']|\b(password|passwd|pwd|passphrase|passcode)=(?<value>[^\s&;'""]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EmbeddedCredentialPattern();

    [GeneratedRegex(@"^(10\.\d+\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|192\.168\.\d+\.\d+|169\.254\.\d+\.\d+|\[f[cd][0-9a-f]*:.*\]|\[fe80:.*\])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrivateAddressPattern();

    [GeneratedRegex(@"\.(internal|local|localdomain|lan|corp|intranet|home\.arpa)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InternalSuffixPattern();

    [GeneratedRegex(@"(^|[;&|\s(])(curl|wget|nc|ncat|netcat|scp|sftp|rsync|ssh|ftp|telnet|socat|nmap|masscan|zmap)(\s|$)|/dev/tcp/|\b(python3?|node|perl|ruby|php)\s+-[ce]\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CommandEgressPattern();

    [GeneratedRegex(@"[;&|`]|\$\(", RegexOptions.CultureInvariant)]
    private static partial Regex ChainingPattern();

    [GeneratedRegex(@"(/var/log|\.log\b|\blogs?/|audit|\.bash_history|\.zsh_history|journal|syslog|wtmp|btmp|lastlog)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LogTargetPattern();

    [GeneratedRegex(@"(^|[;&|\s])(>\s*\S|truncate\s|:\s*>)", RegexOptions.CultureInvariant)]
    private static partial Regex TruncatePattern();

    [GeneratedRegex(@"(history\s+-c|auditctl\s+-[De]|systemctl\s+(stop|disable)\s+(auditd|rsyslog|syslog)|service\s+(auditd|rsyslog)\s+stop|unset\s+HISTFILE|HISTFILE=/dev/null|journalctl\s+--vacuum|wevtutil\s+cl|Clear-EventLog)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuditDisablePattern();
}
