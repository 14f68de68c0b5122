namespace SafeMcp.LoadTest;

/// <summary>One load run. Bounded in time and count; loopback targets only.</summary>
internal sealed class LoadOptions
{
    /// <summary>Silo base addresses. Default one silo at <c>http://127.0.0.1:5080</c>.</summary>
    public IReadOnlyList<Uri> Targets { get; init; } = [new Uri("http://127.0.0.1:5080")];

    /// <summary>The tenant's API key.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Simulated agent sessions. Default 1000.</summary>
    public int Sessions { get; init; } = 1000;

    /// <summary>Requests in flight at once: in a closed loop always, in an open loop at most. Default 64.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>
    /// Open-loop rate, requests a second: requests are due on a fixed schedule and timed from when they were due
    /// (<see cref="ArrivalPacer"/>). Default 0: closed loop.
    /// </summary>
    public double Rate { get; init; }

    /// <summary>Measured time. Default 15 s; at most 10 minutes.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Unmeasured time before it (JIT, connection pools). Default 3 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Stop after this many measured decisions (0: no count bound). Default 0.</summary>
    public long MaxDecisions { get; init; }

    /// <summary>What the sessions do. Default the synthetic agent script.</summary>
    public ISessionScenario Scenario { get; init; } = new SyntheticScenario();

    /// <summary>Print progress every this often. Default 1 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest run allowed, whatever is asked.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);
}
