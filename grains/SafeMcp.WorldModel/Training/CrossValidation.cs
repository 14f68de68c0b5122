using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// What k-fold cross-validation on the training rows found: every row predicted by the model that did not see
/// it (out of fold), the thresholds chosen on those predictions, and the scores under those thresholds.
/// </summary>
/// <param name="Folds">The number of folds.</param>
/// <param name="OutOfFold">For each row (input order), the prediction of the model trained without its fold.</param>
/// <param name="SafeBias">The safe-label bias chosen on the out-of-fold predictions.</param>
/// <param name="CurrentActionWeight">The current-action weight of the unsafe label chosen with it (<see cref="WorldModelWeights.CurrentActionWeight"/>).</param>
/// <param name="ToolThreshold">The tool threshold chosen on the out-of-fold predictions.</param>
/// <param name="Pooled">The score of all out-of-fold predictions together.</param>
/// <param name="PerFold">The score of each fold.</param>
/// <param name="PrefixInterventionRate">Share of the rows' prefix calls, each judged as a check of its own out of fold, that the chosen rule calls unsafe or critical.</param>
/// <param name="PrefixCalls">How many prefix calls were judged.</param>
public sealed record CrossValidation(
    int Folds,
    IReadOnlyList<Prediction> OutOfFold,
    float SafeBias,
    float CurrentActionWeight,
    float ToolThreshold,
    EvaluationReport Pooled,
    IReadOnlyList<EvaluationReport> PerFold,
    double PrefixInterventionRate = 0,
    int PrefixCalls = 0)
{
    /// <summary>The mean of the per-fold scores.</summary>
    public EvaluationReport FoldMean => new(
        PerFold.Sum(r => r.Rows),
        PerFold.Average(r => r.Accuracy),
        PerFold.Average(r => r.MacroF1),
        PerFold.Average(r => r.ToolsReward),
        PerFold.Average(r => r.ToolPrecision),
        PerFold.Average(r => r.ToolRecall),
        PerFold.Average(r => r.ToolF1),
        PerFold.Average(r => r.UnsafeRecall),
        PerFold.Average(r => r.FalseInterventionOnSafe),
        0,
        0);
}
