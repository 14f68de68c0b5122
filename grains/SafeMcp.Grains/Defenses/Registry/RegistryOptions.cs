namespace SafeMcp.Grains.Defenses.Registry;

/// <summary>Tunables of the tool registry.</summary>
public sealed class RegistryOptions
{
    /// <summary>Quarantine the tools of a server the tenant has never seen (else the first list is pinned as approved: trust on first use). Default false.</summary>
    public bool QuarantineFirstSight { get; set; }

    /// <summary>
    /// Trust on first sight a server name an agent key declares when the tenant already has other servers (else its tools
    /// are quarantined as <c>new-server</c> until an admin approves them, and a tool of the shared namespace that another
    /// server pins with another definition is quarantined as changed). Default false: the name a session declares is the
    /// agent's to choose, so a new name must not launder a rug pull.
    /// </summary>
    public bool TrustNewServersFromAgentKeys { get; set; }

    /// <summary>Longest a server's pins are served from memory before a decision re-reads them: the bound on how long an approval or quarantine stored through another silo takes to apply here. Default 5 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
