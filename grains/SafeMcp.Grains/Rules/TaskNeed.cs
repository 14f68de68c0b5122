using System.Runtime.CompilerServices;
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

    // Verbs that acquire an existing resource rather than create one: buying card details or an account is acquiring it.
    private static readonly string[] s_acquisition = ["purchase", "buy", "acquire", "obtain"];
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

    /// <summary>
    /// The resource (wallet, account, card…) a tool's name says it creates or acquires, or null (<c>create_wallet</c> →
    /// wallet, <c>purchase_credit_card_details</c> → card).
    /// </summary>
    public static string? AcquiredResource(string toolName)
    {
        var words = WordSplitter.Words(toolName);
        return words.Overlaps(s_creation) || words.Overlaps(s_acquisition) ? s_resources.FirstOrDefault(words.Contains) : null;
    }

    /// <summary>
    /// Whether the instruction asks to create or acquire a <paramref name="resource"/>: a creating or acquiring verb
    /// governs the resource, that is stands within the <see cref="VerbReach"/> words before it ("open a new account",
    /// "buy a gift card for Ann", "set up a wallet"). A verb elsewhere in the text does not count: "the payment gateway
    /// issue … accept credit card payments" names a card and the verb "issue", and asks for neither.
    /// </summary>
    public static bool Creation(string? instruction, string resource)
    {
        if (string.IsNullOrWhiteSpace(instruction))
        {
            return false;
        }
        var words = new List<string>();
        WordSplitter.Split(instruction, words);
        var plural = resource + "s";
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i] != resource && words[i] != plural)
            {
                continue;
            }
            for (var j = Math.Max(0, i - VerbReach); j < i; j++)
            {
                if (s_creation.Contains(words[j]) || s_acquisition.Contains(words[j])
                    || words[j] == "up" && j > 0 && words[j - 1] is ("set" or "sign"))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Every need the instruction grants, by name (<c>deletion</c>, <c>privilege</c>, <c>payment</c>, <c>hidden-services</c>,
    /// <c>create:wallet</c>…): what a change of instruction is compared on (<see cref="InstructionChange"/>).
    /// </summary>
    public static HashSet<string> Needs(string? instruction)
    {
        var needs = new HashSet<string>(StringComparer.Ordinal);
        if (Deletion(instruction))
        {
            needs.Add("deletion");
        }
        if (Privilege(instruction))
        {
            needs.Add("privilege");
        }
        if (Payment(instruction))
        {
            needs.Add("payment");
        }
        if (HiddenServices.AskedFor(instruction))
        {
            needs.Add("hidden-services");
        }
        foreach (var resource in s_resources)
        {
            if (Creation(instruction, resource))
            {
                needs.Add("create:" + resource);
            }
        }
        return needs;
    }

    /// <summary>How many words before a resource a verb may stand and still govern it ("buy a new gift card": 4).</summary>
    public const int VerbReach = 4;

    private static bool Mentions(string? instruction, string[] words)
    {
        if (string.IsNullOrWhiteSpace(instruction))
        {
            return false;
        }
        var present = s_instructionWords.GetValue(instruction, static text => WordSplitter.Words(text));
        foreach (var word in words)
        {
            if (present.Contains(word))
            {
                return true;
            }
        }
        return false;
    }

    // An instruction's words, split once: a session keeps its instruction string for its life and the rules ask about it
    // on many of its calls. Read only: the sets are shared.
    private static readonly ConditionalWeakTable<string, HashSet<string>> s_instructionWords = new();
}
