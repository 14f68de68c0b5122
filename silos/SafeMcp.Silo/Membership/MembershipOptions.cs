namespace SafeMcp.Silo.Membership;

/// <summary>
/// Timings of cluster membership. Failover takes about <see cref="DeadAfter"/> + <see cref="HeartbeatInterval"/>;
/// <see cref="SelfFenceAfter"/> is shorter than <see cref="DeadAfter"/> so a silo that cannot renew stops
/// deciding before any other silo may declare it dead and take its sessions.
/// </summary>
public sealed class MembershipOptions
{
    /// <summary>How often a silo renews its membership row, probes for dead silos and rereads the table version. Default 500 ms.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A silo whose last heartbeat (database clock) is older than this is declared dead. Default 2.5 s.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>A silo whose last successful heartbeat began longer ago than this stops deciding (503). Default 1.5 s.</summary>
    public TimeSpan SelfFenceAfter { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Time allowed for a request forwarded to the owner silo. Default 5 s.</summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
