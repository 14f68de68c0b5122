using SafeMcp.Contracts;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>One call of a replayed trajectory and what the decision path made of it.</summary>
/// <param name="Tool">The tool called.</param>
/// <param name="Verdict">The decision.</param>
/// <param name="DecidedBy">The layers that decided (empty when the call was allowed).</param>
/// <param name="Reasons">The decision's reasons when the call was stopped (empty when allowed).</param>
/// <param name="Techniques">The SAFE-MCP technique ids of a stop (empty when allowed).</param>
/// <param name="NewlyWithheld">Tools this decision withheld that were visible before it.</param>
public sealed record ReplayedCall(
    string Tool,
    Verdict Verdict,
    IReadOnlyList<string> DecidedBy,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Techniques,
    IReadOnlyList<string> NewlyWithheld)
{
    /// <summary>Whether the call was stopped: denied or sent for a human's approval.</summary>
    public bool Stopped => Verdict != Verdict.Allow;
}
