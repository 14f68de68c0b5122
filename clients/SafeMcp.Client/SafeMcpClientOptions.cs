namespace SafeMcp.Client;

/// <summary>How <see cref="SafeMcpClient"/> reaches the cluster.</summary>
public sealed class SafeMcpClientOptions
{
    /// <summary>A silo's base address. Default <c>http://127.0.0.1:5080</c>.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>The tenant's API key. Required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Time allowed for one attempt. Default 5 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a transient failure (connection refused, timeout, 502/503/504, stale activation). Default 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay; doubled each retry, with jitter. Default 50 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest delay between two retries (the doubling stops there), so a failover is noticed soon after it completes. Default 1 second.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Connections kept per silo. Default 256.</summary>
    public int MaxConnectionsPerServer { get; set; } = 256;

    /// <summary>Learn the cluster's silos (<c>GET /v1/cluster/members</c>) and send each session's requests to its owner. Default true; a single silo keeps working either way.</summary>
    public bool DiscoverCluster { get; set; } = true;

    /// <summary>How long a silo that did not answer is avoided by routing. Default 2 seconds.</summary>
    public TimeSpan SuspectSiloFor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>What a decision is when the cluster stays unreachable. Default <see cref="UnavailableMode.FailClosed"/>.</summary>
    public UnavailableMode WhenUnavailable { get; set; } = UnavailableMode.FailClosed;
}
