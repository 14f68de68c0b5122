using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Text;

namespace SafeMcp.Grains.Tools;

/// <summary>
/// Gives a tool its capabilities from its name, description, input schema and annotations.
/// Annotations are untrusted hints: they may add a capability, never remove one the text implies.
/// </summary>
public static class CapabilityClassifier
{
    private static readonly (Capability Capability, string[] NameWords, string[] SchemaWords)[] s_rules =
    [
        (Capability.FsRead, ["read", "get", "list", "view", "cat", "open", "load", "search", "find", "show", "query", "lookup", "retrieve", "browse", "head", "tail", "grep", "ls", "stat", "inspect"], []),
        (Capability.FsWrite, ["write", "create", "save", "update", "edit", "append", "put", "modify", "set", "insert", "move", "rename", "copy", "mkdir", "touch", "patch", "replace", "upload", "add", "mv", "cp"], ["content", "contents"]),
        (Capability.FsDelete, ["delete", "remove", "rm", "erase", "purge", "drop", "truncate", "wipe", "destroy", "unlink", "clear", "rmdir", "shred", "uninstall", "revoke", "cancel", "terminate", "kill"], []),
        (Capability.NetEgress, ["fetch", "http", "https", "url", "request", "webhook", "download", "upload", "curl", "wget", "browse", "navigate", "web", "post", "ping", "socket", "ftp", "scrape", "crawl"], ["url", "uri", "endpoint", "webhook", "host", "hostname", "domain"]),
        (Capability.Exec, ["exec", "execute", "run", "shell", "command", "bash", "sh", "terminal", "script", "eval", "spawn", "process", "cmd", "powershell", "python", "code", "invoke", "docker", "podman", "kubectl"], ["command", "cmd", "shell"]),
        (Capability.Secrets, ["secret", "secrets", "password", "passwords", "credential", "credentials", "token", "tokens", "vault", "keychain", "apikey", "ssh", "env", "keys", "passphrase", "private"], ["password", "secret", "token", "apikey", "credential", "passphrase"]),
        (Capability.Identity, ["sudo", "chmod", "chown", "permission", "permissions", "role", "roles", "admin", "grant", "privilege", "privileges", "acl", "iam", "policy", "access", "user", "users", "account", "accounts", "login", "auth", "authorize", "elevate"], ["role", "permission", "permissions", "privilege"]),
        (Capability.Payments, ["pay", "payment", "payments", "transfer", "transaction", "invoice", "charge", "refund", "purchase", "buy", "wallet", "bank", "money", "fund", "funds", "withdraw", "deposit", "trade", "sell", "order", "stock", "crypto", "bitcoin"], ["amount", "currency", "iban", "account_number"]),
        (Capability.Messaging, ["send", "email", "emails", "mail", "message", "messages", "sms", "slack", "notify", "tweet", "chat", "reply", "forward", "publish", "share", "post", "comment", "invite", "dm"], ["recipient", "recipients", "cc", "bcc", "phone", "channel", "subject"]),
        (Capability.SelfModification, ["install", "plugin", "plugins", "extension", "config", "configure", "configuration", "settings", "memory", "prompt", "skill", "register", "tool", "tools", "upgrade", "autostart", "cron", "crontab", "startup"], []),
    ];

    // Words that make a schema property a bound (a limit or a count) on what its other words name.
    private static readonly string[] s_boundWords = ["max", "min", "maximum", "minimum", "limit", "limits", "count", "num"];

    // Malicious software a tool's text says it builds or plants; a tool whose text also has a defensive word (scan,
    // detect, remove…) is a defense against it, not a weapon.
    private static readonly string[] s_malwareWords = ["malware", "ransomware", "keylogger", "keyloggers", "spyware", "rootkit", "rootkits", "backdoor", "backdoors", "trojan", "trojans", "botnet", "cryptojacker", "infostealer"];
    private static readonly string[] s_defensiveWords = ["scan", "scans", "scanner", "detect", "detects", "detection", "detector", "remove", "removes", "removal", "clean", "cleans", "quarantine", "protect", "protects", "protection", "analyze", "analyzes", "analyse", "analysis", "classify", "identify", "report", "reports", "block", "blocks", "antivirus", "defender"];

    // "transfer" alone is as often a file's as money's: it names a payment only beside a word about money.
    private static readonly string[] s_moneyWords = ["money", "funds", "fund", "payment", "payments", "amount", "bank", "currency", "balance", "account", "accounts", "crypto", "cryptocurrency", "bitcoin", "wallet"];

    /// <summary>Classifies a tool.</summary>
    public static Capability Classify(ToolDescriptor tool)
    {
        var nameWords = WordSplitter.Words(tool.Name);
        var textWords = WordSplitter.Words(tool.Description);
        if (tool.Title is not null)
        {
            WordSplitter.Split(tool.Title, textWords);
        }
        var schemaWords = SchemaPropertyWords(tool.InputSchema);

        var capabilities = Capability.None;
        foreach (var (capability, words, schema) in s_rules)
        {
            if (words.Any(nameWords.Contains) || schema.Any(schemaWords.Contains))
            {
                capabilities |= capability;
            }
        }

        // Descriptions are prose: only phrases that name an action on the world count, so that
        // "Reads a file" does not make a tool a writer because the word "file" appears.
        capabilities |= FromDescription(textWords);

        if (s_malwareWords.Any(w => nameWords.Contains(w) || textWords.Contains(w)) && !s_defensiveWords.Any(w => nameWords.Contains(w) || textWords.Contains(w)))
        {
            capabilities |= Capability.Malware;
        }

        if (tool.Annotations is { } hints)
        {
            if (hints.DestructiveHint == true)
            {
                capabilities |= Capability.FsDelete;
            }
            if (hints.OpenWorldHint == true && (capabilities & (Capability.Exec | Capability.FsWrite | Capability.Messaging)) != 0)
            {
                capabilities |= Capability.NetEgress;
            }
            if (hints.ReadOnlyHint == false && capabilities == Capability.None)
            {
                capabilities |= Capability.FsWrite;
            }
        }

        // Messaging and fetching both reach outside the session.
        if ((capabilities & Capability.Messaging) != 0)
        {
            capabilities |= Capability.NetEgress;
        }
        return capabilities;
    }

    private static Capability FromDescription(HashSet<string> words)
    {
        var capabilities = Capability.None;
        if (words.Overlaps(["delete", "deletes", "remove", "removes", "erase", "erases", "wipe", "wipes", "destroy", "destroys", "purge", "purges", "drop", "drops"]))
        {
            capabilities |= Capability.FsDelete;
        }
        // A parameter named "script" or "code" is as often a narration or a verification code; code runs when the text says so.
        if (words.Overlaps(["execute", "executes", "shell", "bash", "command", "commands"])
            || words.Overlaps(["run", "runs", "evaluate", "evaluates", "interpret", "interprets"]) && words.Overlaps(["code", "script", "scripts", "program", "programs"]))
        {
            capabilities |= Capability.Exec;
        }
        if (words.Overlaps(["http", "https", "url", "urls", "internet", "webhook", "upload", "uploads"]))
        {
            capabilities |= Capability.NetEgress;
        }
        if (words.Overlaps(["email", "emails", "sms", "slack", "message", "messages", "tweet", "tweets"]) && words.Overlaps(["send", "sends", "post", "posts", "forward", "forwards", "publish", "publishes"]))
        {
            capabilities |= Capability.Messaging;
        }
        if (words.Overlaps(["password", "passwords", "credential", "credentials", "secret", "secrets", "token", "tokens", "keychain", "vault"]))
        {
            capabilities |= Capability.Secrets;
        }
        if (words.Overlaps(["sudo", "chmod", "chown", "privilege", "privileges", "permissions", "administrator", "admin", "root"]))
        {
            capabilities |= Capability.Identity;
        }
        if (words.Overlaps(["payment", "payments", "purchase", "purchases", "funds", "refund", "invoice"])
            || words.Overlaps(["transfer", "transfers"]) && words.Overlaps(s_moneyWords))
        {
            capabilities |= Capability.Payments;
        }
        return capabilities;
    }

    /// <summary>
    /// The capabilities a single verb names by itself (<c>read</c> → fs.read, <c>delete</c> → fs.delete), from the same
    /// word lists as tool names: what an operation argument such as <c>{"operation":"read"}</c> asks of the tool.
    /// </summary>
    public static Capability OfVerb(string verb)
    {
        var capabilities = Capability.None;
        foreach (var (capability, words, _) in s_rules)
        {
            if (Array.IndexOf(words, verb) >= 0)
            {
                capabilities |= capability;
            }
        }
        return capabilities;
    }

    private static HashSet<string> SchemaPropertyWords(JsonElement? schema)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        if (schema is { ValueKind: JsonValueKind.Object } root)
        {
            CollectPropertyNames(root, words, depth: 0);
        }
        return words;
    }

    private static void CollectPropertyNames(JsonElement schema, HashSet<string> words, int depth)
    {
        if (depth > 8 || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                words.Add(property.Name.ToLowerInvariant());
                // A bound on something is not the thing: `max_amount` caps how many results a scraper returns, and
                // `min_password_length` holds no password. Such a name counts only whole, not by its words.
                var nameWords = WordSplitter.Words(property.Name);
                if (!nameWords.Overlaps(s_boundWords))
                {
                    words.UnionWith(nameWords);
                }
                CollectPropertyNames(property.Value, words, depth + 1);
            }
        }
        if (schema.TryGetProperty("items", out var items))
        {
            CollectPropertyNames(items, words, depth + 1);
        }
    }
}
