using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>A trained model, the cross-validation that chose its thresholds (when one ran) and a line per stage.</summary>
public sealed record TrainingResult(WorldModelWeights Weights, CrossValidation? CrossValidation, IReadOnlyList<string> Summary);
