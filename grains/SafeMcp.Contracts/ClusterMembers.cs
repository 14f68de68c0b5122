namespace SafeMcp.Contracts;

/// <summary>Answer of <c>GET /v1/cluster/members</c>: the active silos a client routes sessions over.</summary>
/// <param name="Version">The membership table version; it changes whenever the active set changes.</param>
/// <param name="Tenant">The caller's tenant (part of the placement key).</param>
/// <param name="Members">The active silos.</param>
public sealed record ClusterMembers(long Version, string Tenant, IReadOnlyList<ClusterMember> Members);
