namespace SafeMcp.WorldModel.Detection;

/// <summary>How the world model takes part in a session's decisions.</summary>
public sealed class WorldModelDetectorOptions
{
    /// <summary>
    /// Run the initial check as a session opens or changes its task or tools: the tools it filters are withheld from the
    /// start, so the session's first tool list is already filtered (the paper's proactive filtering at tools/list).
    /// Default true: with the shipped model it raises the decision path's macro-F1 and tool F1 (docs/benchmarks.md,
    /// "World model").
    /// </summary>
    public bool InitialCheck { get; set; } = true;
}
