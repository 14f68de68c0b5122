using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Evaluation;

/// <summary>A row's prediction by the whole decision path (<see cref="DecisionPathCheck"/>).</summary>
/// <param name="Label">The label the decision stands for.</param>
/// <param name="FilteredTools">The tools it filters.</param>
/// <param name="Microseconds">How long the current action's decision took (0 for a row without a call).</param>
/// <param name="DecidedBy">
/// The layers that made a label other than safe: the decision's <c>decidedBy</c> (<c>rules</c>, <c>world-model</c>,
/// <c>filter</c> for a tool withheld earlier in the session, …), or <see cref="DecisionPathCheck.Opening"/> for an
/// initial check; empty for safe.
/// </param>
public sealed record PathPrediction(SafetyLabel Label, IReadOnlyList<string> FilteredTools, double Microseconds, IReadOnlyList<string> DecidedBy);
