using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>One encoded check with its targets.</summary>
/// <param name="Input">The check as the network reads it.</param>
/// <param name="Encoded">Its features.</param>
/// <param name="Label">The true label (stages 2 and 3); null for a dynamics-only example (stage 1).</param>
/// <param name="ToolTargets">1 for each tool (input order) that must be filtered, else 0.</param>
/// <param name="NextState">The next-state feature targets.</param>
/// <param name="Weight">How much the example counts in the supervised loss (its label, tool and next-state terms); 1 for a labelled row.</param>
public sealed record TrainingExample(WorldModelInput Input, EncodedInput Encoded, SafetyLabel? Label, float[] ToolTargets, float[] NextState, float Weight = 1f);
