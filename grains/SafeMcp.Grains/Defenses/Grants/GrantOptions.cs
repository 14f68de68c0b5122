namespace SafeMcp.Grains.Defenses.Grants;

/// <summary>Tunables of just-in-time grants.</summary>
public sealed class GrantOptions
{
    /// <summary>Longest grant. Default 24 h.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Longest a tenant's grants and policy are served from memory before a decision re-reads them: the bound on how long a grant, revocation or policy stored through another silo takes to apply here. Default 5 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
