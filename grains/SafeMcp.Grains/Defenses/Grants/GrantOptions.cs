namespace SafeMcp.Grains.Defenses.Grants;

/// <summary>Tunables of just-in-time grants.</summary>
public sealed class GrantOptions
{
    /// <summary>Longest grant. Default 24 h.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a tenant's grants are served from memory before they are re-read in the background (other silos may have granted). Default 5 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
