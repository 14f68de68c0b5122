namespace SafeMcp.Silo.Tenants;

/// <summary>What an API key may do within its tenant.</summary>
public enum KeyRole
{
    /// <summary>Supervised traffic: sessions, decisions, outcomes, reads. The key MCP servers, the hook and the gateway hold.</summary>
    Agent = 0,

    /// <summary>Everything an agent key may do, plus approving quarantined tools, granting and revoking, and setting policy.</summary>
    Admin = 1,
}
