using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>A trained model, its score on the held-out validation rows and a line per stage.</summary>
public sealed record TrainingResult(WorldModelWeights Weights, EvaluationReport? Validation, IReadOnlyList<string> Summary);
