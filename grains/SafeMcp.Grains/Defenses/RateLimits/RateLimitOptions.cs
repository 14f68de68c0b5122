namespace SafeMcp.Grains.Defenses.RateLimits;

/// <summary>Token buckets of the rate-limit layer and the loop threshold. A bucket holds its limit and refills at its rate.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Decisions a second one tenant may ask for, sustained. Default 50,000 (above a silo's capacity: a guard, not a quota).</summary>
    public int TenantPerSecond { get; set; } = 50_000;

    /// <summary>Burst of a tenant's bucket. Default 100,000.</summary>
    public int TenantBurst { get; set; } = 100_000;

    /// <summary>Decisions a second one session may ask for, sustained. Default 50.</summary>
    public int SessionPerSecond { get; set; } = 50;

    /// <summary>Burst of a session's bucket. Default 200.</summary>
    public int SessionBurst { get; set; } = 200;

    /// <summary>Calls a second of one tool across a tenant, sustained. Default 20,000.</summary>
    public int ToolPerSecond { get; set; } = 20_000;

    /// <summary>Burst of a tool's bucket. Default 40,000.</summary>
    public int ToolBurst { get; set; } = 40_000;

    /// <summary>Identical calls (same tool and arguments) already in a session's recent history from which the next one needs approval. Default 3.</summary>
    public int LoopThreshold { get; set; } = 3;
}
