using System.Collections.Concurrent;
using System.Collections.ObjectModel;

namespace SafeMcp.Grains.Tools;

/// <summary>The stable wire names of capabilities (<c>fs.read</c>, <c>net.egress</c>, …).</summary>
public static class CapabilityNames
{
    private static readonly (Capability Flag, string Name)[] s_names =
    [
        (Capability.FsRead, "fs.read"),
        (Capability.FsWrite, "fs.write"),
        (Capability.FsDelete, "fs.delete"),
        (Capability.NetEgress, "net.egress"),
        (Capability.Exec, "exec"),
        (Capability.Secrets, "secrets"),
        (Capability.Identity, "identity"),
        (Capability.Payments, "payments"),
        (Capability.Messaging, "messaging"),
        (Capability.SelfModification, "self-modification"),
        (Capability.Malware, "malware"),
    ];

    // One read-only list per set of flags (at most 2^11), made on first use: every decided call keeps its capabilities'
    // names in the session's history, and a list of its own per call would outlive the turn for nothing.
    private static readonly ConcurrentDictionary<Capability, ReadOnlyCollection<string>> s_lists = new();

    private static readonly Capability s_known = s_names.Aggregate(Capability.None, (all, n) => all | n.Flag);

    /// <summary>The names of the flags set in <paramref name="capabilities"/>, in a fixed order (a shared, read-only list).</summary>
    public static IReadOnlyList<string> Of(Capability capabilities) =>
        s_lists.GetOrAdd(capabilities & s_known, static set => Array.AsReadOnly(s_names.Where(n => (set & n.Flag) != 0).Select(n => n.Name).ToArray()));

    /// <summary>Parses names written by <see cref="Of"/>; unknown names are ignored.</summary>
    public static Capability Parse(IEnumerable<string> names)
    {
        var result = Capability.None;
        foreach (var name in names)
        {
            foreach (var (flag, known) in s_names)
            {
                if (known == name)
                {
                    result |= flag;
                }
            }
        }
        return result;
    }
}
