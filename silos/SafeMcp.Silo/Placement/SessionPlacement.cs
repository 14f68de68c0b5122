using SafeMcp.Contracts;
using SafeMcp.Silo.Membership;
using SafeMcp.Silo.Runtime;

namespace SafeMcp.Silo.Placement;

/// <summary>Which silo owns a session: rendezvous hashing of the session key over the active silos.</summary>
internal sealed class SessionPlacement(SiloMembership membership) : IGrainPlacement
{
    /// <summary>The owner of (<paramref name="tenantId"/>, <paramref name="sessionId"/>), or null when no silo is known yet.</summary>
    public SiloMember? OwnerOf(string tenantId, string sessionId)
    {
        var view = membership.View;
        var index = RendezvousHash.Owner(RendezvousHash.SessionKey(tenantId, sessionId), view.Addresses);
        return index < 0 ? null : view.Active[index];
    }

    /// <summary>Whether this silo owns the session (or knows no other owner).</summary>
    public bool IsLocal(string tenantId, string sessionId) =>
        OwnerOf(tenantId, sessionId) is not { } owner || owner.Address == membership.Address;

    public bool IsLocal(GrainKey key) => IsLocal(key.TenantId, key.Key);
}
