using System.Text.Json;
using System.Text.RegularExpressions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Rules;

/// <summary>Reads the signals and the effective capabilities of one call from its arguments.</summary>
public static partial class CallInspector
{
    /// <summary>Longest argument string inspected; the rest is not scanned.</summary>
    public const int MaxScannedChars = 16 * 1024;

    /// <summary>Inspects a call of <paramref name="tool"/> with <paramref name="arguments"/>.</summary>
    public static (CallSignal Signals, Capability Capabilities) Inspect(ToolProfile tool, JsonElement? arguments)
    {
        var signals = CallSignal.None;
        var capabilities = tool.Capabilities;
        if (arguments is { } args)
        {
            Walk(args, tool.Capabilities, ref signals, depth: 0);
        }
        if ((signals & CallSignal.CommandEgress) != 0 || (signals & CallSignal.ExternalTarget) != 0 && (tool.Capabilities & (Capability.Exec | Capability.NetEgress | Capability.Messaging)) != 0)
        {
            capabilities |= Capability.NetEgress;
        }
        if ((signals & (CallSignal.Destruction | CallSignal.MassDestruction)) != 0)
        {
            capabilities |= Capability.FsDelete;
        }
        if ((signals & CallSignal.PrivilegeChange) != 0)
        {
            capabilities |= Capability.Identity;
        }
        if ((signals & CallSignal.SecretLocation) != 0 && (tool.Capabilities & (Capability.FsRead | Capability.Exec)) != 0)
        {
            capabilities |= Capability.Secrets;
        }
        return (signals, capabilities);
    }

    private static void Walk(JsonElement element, Capability toolCapabilities, ref CallSignal signals, int depth)
    {
        if (depth > 32)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, toolCapabilities, ref signals, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, toolCapabilities, ref signals, depth + 1);
                }
                break;
            case JsonValueKind.String:
                var text = element.GetString() ?? string.Empty;
                if (text.Length > MaxScannedChars)
                {
                    text = text[..MaxScannedChars];
                }
                signals |= InspectString(text, toolCapabilities);
                break;
        }
    }

    /// <summary>The signals of one argument string.</summary>
    public static CallSignal InspectString(string text, Capability toolCapabilities)
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
        foreach (Match url in UrlPattern().Matches(text))
        {
            if (!IsLoopbackHost(url.Groups["host"].Value))
            {
                signals |= CallSignal.ExternalTarget;
            }
        }
        if (TraversalPattern().IsMatch(text))
        {
            signals |= CallSignal.PathTraversal;
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
            if (CommandEgressPattern().IsMatch(text))
            {
                signals |= CallSignal.CommandEgress;
            }
            if (ChainingPattern().IsMatch(text))
            {
                signals |= CallSignal.CommandChaining;
            }
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

    [GeneratedRegex(@"(^|[/\\\s""'=~])(\.env(\.[a-z]+)?|\.ssh|id_rsa|id_ed25519|id_ecdsa|\.aws|\.gnupg|\.netrc|\.pgpass|\.npmrc|\.pypirc|\.git-credentials|\.kube|credentials(\.json)?|secrets?(\.[a-z]+)?|passwords?(\.[a-z]+)?|shadow|private[_-]?key|[a-z0-9_-]+\.(pem|key|p12|pfx|kdbx))($|[/\\\s""'.])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretLocationPattern();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\bsk-[A-Za-z0-9_-]{20,}|\bghp_[A-Za-z0-9]{30,}|\bxox[bpas]-[A-Za-z0-9-]{10,}|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.", RegexOptions.CultureInvariant)]
    private static partial Regex SecretValuePattern();

    [GeneratedRegex(@"\b(?:https?|ftp|wss?)://(?<host>\[[0-9a-f:]+\]|[^/\s:""'?#]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"(^|[/\\])\.\.([/\\]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex TraversalPattern();

    [GeneratedRegex(@"\b(drop\s+(table|database|schema)|truncate\s+table|delete\s+from\s+\w+\s*(;|$))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SqlDestructionPattern();

    [GeneratedRegex(@"(^|[;&|\s])(rm\s+(-[a-z]*\s+)*|rmdir\s|shred\s|unlink\s|mkfs|dd\s+if=|del\s+/[sq]|rd\s+/s|find\s.*-delete|truncate\s+-s\s*0|>\s*/dev/sd)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShellDestructionPattern();

    [GeneratedRegex(@"\brm\s+(-[a-z]*[rf][a-z]*\s+)+(/|/\*|~|~/|\$HOME|\*|\.|/home|/etc|/var|/usr)(\s|$)|mkfs|dd\s+if=.*of=/dev/", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MassDestructionPattern();

    [GeneratedRegex(@"(^|[;&|\s])(sudo|su\s+-|chmod\s+([0-7]*7[0-7]*|[ugoa]*\+[rwxs]+)|chown|chgrp|setcap|usermod|useradd|visudo|passwd|setuid|/etc/sudoers)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrivilegePattern();

    [GeneratedRegex(@"(^|[;&|\s(])(curl|wget|nc|ncat|netcat|scp|sftp|rsync|ssh|ftp|telnet|socat)(\s|$)|/dev/tcp/|\b(python3?|node|perl|ruby|php)\s+-[ce]\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
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
