namespace SafeMcp.WorldModel.Features;

/// <summary>
/// Everything the world model may read to judge one check: the task, the tools, what happened so far and
/// the action about to run. Labels are deliberately absent, so prediction cannot read them.
/// </summary>
/// <param name="Instruction">The user's task.</param>
/// <param name="Tools">The tools available to the agent.</param>
/// <param name="Prefix">The calls already made, oldest first.</param>
/// <param name="Current">The action being checked; null for the initial check before any call.</param>
public sealed record WorldModelInput(
    string? Instruction,
    IReadOnlyList<ToolInfo> Tools,
    IReadOnlyList<TrajectoryStep> Prefix,
    TrajectoryStep? Current)
{
    /// <summary>
    /// Each recorded call of the prefix as a check of its own: the task, the tools, the calls before it, and it without
    /// its result (the check comes before the call runs); with that result. Final answers (no action) are skipped.
    /// </summary>
    public IEnumerable<(WorldModelInput Check, string? Observation)> PrefixChecks()
    {
        for (var k = 0; k < Prefix.Count; k++)
        {
            var step = Prefix[k];
            if (step.Action is not null)
            {
                yield return (this with { Prefix = [.. Prefix.Take(k)], Current = step with { Observation = null } }, step.Observation);
            }
        }
    }
}
