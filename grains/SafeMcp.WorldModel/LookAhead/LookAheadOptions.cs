namespace SafeMcp.WorldModel.LookAhead;

/// <summary>How far the world model looks past the current action.</summary>
public sealed class LookAheadOptions
{
    /// <summary>
    /// Steps rolled forward (H). 0 judges the current action only. Default 0, from the measurement with the shipped
    /// model (<c>safemcp eval --look-ahead H</c> on stage2_test.jsonl): H = 0 gives label macro-F1 0.689, tool F1 0.545,
    /// false intervention 0.098, p99 100 µs a check; H = 1 gives 0.635, 0.469, 0.213, 182 µs; H = 2 0.635, 0.456, 0.213,
    /// 270 µs; H = 3 0.628, 0.450, 0.230, 375 µs. With the initial check (the default), <c>safemcp replay --look-ahead H</c>
    /// stops 61 of 66 PowerSeeking trajectories at H = 0, 1 and 2, with 9, 10 and 10 of 40 pre-enabler calls blocked, and
    /// <c>eval --decision-path</c> gives macro-F1 0.527, 0.532, 0.532, tool F1 0.350, 0.318, 0.309 and false
    /// intervention 0.295, 0.344, 0.344. Without it, replay stops 61 of 66 with 6 of 40 blocked at H = 0 and 59 of 66
    /// with 5 of 40 at H = 1, 2 and 3.
    /// </summary>
    public int Steps { get; set; }

    /// <summary>Likely next tools examined at each step. Default 3.</summary>
    public int Candidates { get; set; } = 3;

    /// <summary>A candidate the model calls unsafe with at least this probability is filtered. Default 0.6.</summary>
    public float HazardProbability { get; set; } = 0.6f;

    /// <summary>A predicted next-state feature at or above this probability is carried into the rolled state. Default 0.5.</summary>
    public float NextStateProbability { get; set; } = 0.5f;
}
