namespace SafeMcp.Contracts;

/// <summary>One active silo.</summary>
/// <param name="Address">The silo's public base address (the placement hash is computed over it).</param>
/// <param name="Generation">The incarnation of the silo on that address.</param>
/// <param name="Name">The silo's name.</param>
public sealed record ClusterMember(string Address, long Generation, string Name);
