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

    /// <summary>A silo whose last heartbeat (database clock) is older than this is declared dead. Default 3 s.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A silo whose last successful heartbeat began longer ago than this stops deciding (503). Default 2 s (a loaded machine may delay a heartbeat by a second).</summary>
    public TimeSpan SelfFenceAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time allowed for a request forwarded to the owner silo. Default 5 s.</summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
