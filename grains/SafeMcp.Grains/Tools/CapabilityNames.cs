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
    ];

    /// <summary>The names of the flags set in <paramref name="capabilities"/>, in a fixed order.</summary>
    public static IReadOnlyList<string> Of(Capability capabilities)
    {
        var names = new List<string>();
        foreach (var (flag, name) in s_names)
        {
            if ((capabilities & flag) != 0)
            {
                names.Add(name);
            }
        }
        return names;
    }

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
