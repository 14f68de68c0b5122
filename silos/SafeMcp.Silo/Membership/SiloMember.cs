namespace SafeMcp.Silo.Membership;

/// <summary>An active silo incarnation as the membership table lists it.</summary>
/// <param name="Address">Public base address, e.g. <c>http://127.0.0.1:5080</c> (the placement hash is over it).</param>
/// <param name="Generation">Incarnation on that address.</param>
/// <param name="InternalUrl">The silo's h2c endpoint, where other silos forward requests.</param>
/// <param name="Name">The silo's name.</param>
public sealed record SiloMember(string Address, long Generation, string InternalUrl, string Name);
