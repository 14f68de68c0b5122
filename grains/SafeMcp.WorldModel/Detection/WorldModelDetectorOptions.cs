namespace SafeMcp.WorldModel.Detection;

/// <summary>How the world model takes part in a session's decisions.</summary>
public sealed class WorldModelDetectorOptions
{
    /// <summary>
    /// Run the initial check as a session opens or changes its task or tools: the tools it filters are withheld from the
    /// start, so the session's first tool list is already filtered (the paper's proactive filtering at tools/list).
    /// Default true. Measured with the shipped model: <c>safemcp eval --decision-path</c> on stage2_test.jsonl gives label
    /// macro-F1 0.527, tool F1 0.350, unsafe recall 0.588, false intervention 0.295 with it, against 0.471, 0.236, 0.471
    /// and 0.279 without; <c>safemcp replay</c> stops 61 of 66 PowerSeeking trajectories either way and blocks 9 of 40
    /// pre-enabler calls with it against 6 without (tools withheld from the start that those tasks then call).
    /// </summary>
    public bool InitialCheck { get; set; } = true;
}
