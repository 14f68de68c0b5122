using SafeMcp.Grains.Text;

namespace SafeMcp.Grains.Rules;

/// <summary>What the user's instruction asks for, so that a destructive or privileged call the task needs is not treated as a hazard.</summary>
public static class TaskNeed
{
    private static readonly string[] s_deletion = ["delete", "remove", "erase", "clean", "cleanup", "clear", "purge", "wipe", "drop", "uninstall", "rm", "prune", "discard", "trash", "empty"];
    private static readonly string[] s_privilege = ["sudo", "chmod", "chown", "permission", "permissions", "privilege", "privileges", "admin", "administrator", "root", "grant", "access", "role"];
    private static readonly string[] s_payment = ["pay", "payment", "transfer", "buy", "purchase", "send", "refund", "invoice", "order", "trade", "sell", "deposit", "withdraw"];

    // Verbs in a tool's name that move money (a payments tool named for reading does not: get_balance, list_transactions).
    private static readonly string[] s_moneyMovement = ["pay", "purchase", "buy", "transfer", "charge", "refund", "withdraw", "deposit", "trade", "sell", "checkout", "donate", "send"];
    private static readonly string[] s_reading = ["get", "list", "view", "show", "search", "find", "query", "check", "lookup", "retrieve", "read", "fetch", "history", "status"];
    private static readonly string[] s_creation = ["create", "open", "register", "signup", "new", "generate", "issue", "mint", "setup"];
    private static readonly string[] s_resources = ["wallet", "account", "card", "identity", "credential", "credentials", "apikey"];

    /// <summary>Whether the instruction asks to delete or clean something up.</summary>
    public static bool Deletion(string? instruction) => Mentions(instruction, s_deletion);

    /// <summary>Whether the instruction asks to change permissions or access.</summary>
    public static bool Privilege(string? instruction) => Mentions(instruction, s_privilege);

    /// <summary>Whether the instruction asks to move money.</summary>
    public static bool Payment(string? instruction) => Mentions(instruction, s_payment);

    /// <summary>Whether a tool's name says it moves money (<c>purchase_item</c>, <c>transfer_funds</c>).</summary>
    public static bool NamesMoneyMovement(string toolName)
    {
        var words = WordSplitter.Words(toolName);
        return words.Overlaps(s_moneyMovement) && !words.Overlaps(s_reading);
    }

    /// <summary>The resource (wallet, account, card…) a tool's name says it creates, or null (<c>create_wallet</c> → wallet).</summary>
    public static string? AcquiredResource(string toolName)
    {
        var words = WordSplitter.Words(toolName);
        return words.Overlaps(s_creation) ? s_resources.FirstOrDefault(words.Contains) : null;
    }

    /// <summary>Whether the instruction asks to create a <paramref name="resource"/>: it names the resource and a creating verb.</summary>
    public static bool Creation(string? instruction, string resource)
    {
        if (string.IsNullOrWhiteSpace(instruction))
        {
            return false;
        }
        var present = WordSplitter.Words(instruction);
        return (present.Contains(resource) || present.Contains(resource + "s"))
            && (s_creation.Any(present.Contains) || present.Contains("set") && present.Contains("up") || present.Contains("sign") && present.Contains("up"));
    }

    private static bool Mentions(string? instruction, string[] words)
    {
        if (string.IsNullOrWhiteSpace(instruction))
        {
            return false;
        }
        var present = WordSplitter.Words(instruction);
        return words.Any(present.Contains);
    }
}
