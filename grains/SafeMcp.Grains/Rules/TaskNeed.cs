using SafeMcp.Grains.Text;

namespace SafeMcp.Grains.Rules;

/// <summary>What the user's instruction asks for, so that a destructive or privileged call the task needs is not treated as a hazard.</summary>
public static class TaskNeed
{
    private static readonly string[] s_deletion = ["delete", "remove", "erase", "clean", "cleanup", "clear", "purge", "wipe", "drop", "uninstall", "rm", "prune", "discard", "trash", "empty"];
    private static readonly string[] s_privilege = ["sudo", "chmod", "chown", "permission", "permissions", "privilege", "privileges", "admin", "administrator", "root", "grant", "access", "role"];
    private static readonly string[] s_payment = ["pay", "payment", "transfer", "buy", "purchase", "send", "refund", "invoice", "order", "trade", "sell", "deposit", "withdraw"];

    /// <summary>Whether the instruction asks to delete or clean something up.</summary>
    public static bool Deletion(string? instruction) => Mentions(instruction, s_deletion);

    /// <summary>Whether the instruction asks to change permissions or access.</summary>
    public static bool Privilege(string? instruction) => Mentions(instruction, s_privilege);

    /// <summary>Whether the instruction asks to move money.</summary>
    public static bool Payment(string? instruction) => Mentions(instruction, s_payment);

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
