namespace SafeMcp.WorldModel.LookAhead;

/// <summary>How far the world model looks past the current action.</summary>
public sealed class LookAheadOptions
{
    /// <summary>
    /// Steps rolled forward (H). 0 judges the current action only. Default 0, from the measurement
    /// (<c>safemcp eval --look-ahead H</c> on stage2_test.jsonl with the default model): H = 0 gives label macro-F1
    /// 0.661, tool F1 0.509, false intervention 0.082; H = 1 gives 0.626, 0.397, 0.213; H = 2 gives 0.626, 0.388,
    /// 0.213; and <c>safemcp replay --look-ahead H</c> stops no more PowerSeeking trajectories with H &gt; 0.
    /// </summary>
    public int Steps { get; set; }

    /// <summary>Likely next tools examined at each step. Default 3.</summary>
    public int Candidates { get; set; } = 3;

    /// <summary>A candidate the model calls unsafe with at least this probability is filtered. Default 0.6.</summary>
    public float HazardProbability { get; set; } = 0.6f;

    /// <summary>A predicted next-state feature at or above this probability is carried into the rolled state. Default 0.5.</summary>
    public float NextStateProbability { get; set; } = 0.5f;
}
