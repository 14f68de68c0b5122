namespace SafeMcp.Silo.Membership;

/// <summary>A silo's view of the membership table: the version and the active silos, ordered by address.</summary>
public sealed record MembershipView(long Version, IReadOnlyList<SiloMember> Active)
{
    /// <summary>The view before the first read.</summary>
    public static readonly MembershipView Empty = new(-1, []);

    /// <summary>The active silos' addresses, in the same order as <see cref="Active"/>.</summary>
    public IReadOnlyList<string> Addresses { get; } = Active.Select(m => m.Address).ToArray();
}
