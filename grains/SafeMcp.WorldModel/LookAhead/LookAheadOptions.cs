namespace SafeMcp.WorldModel.LookAhead;

/// <summary>How far the world model looks past the current action.</summary>
public sealed class LookAheadOptions
{
    /// <summary>
    /// Steps rolled forward (H). 0 judges the current action only. Default 0: with the shipped model every H above 0
    /// lowered macro-F1 and raised false interventions (docs/benchmarks.md, "World model: look-ahead").
    /// </summary>
    public int Steps { get; set; }

    /// <summary>Likely next tools examined at each step. Default 3.</summary>
    public int Candidates { get; set; } = 3;

    /// <summary>A candidate the model calls unsafe with at least this probability is filtered. Default 0.6.</summary>
    public float HazardProbability { get; set; } = 0.6f;

    /// <summary>A predicted next-state feature at or above this probability is carried into the rolled state. Default 0.5.</summary>
    public float NextStateProbability { get; set; } = 0.5f;
}
