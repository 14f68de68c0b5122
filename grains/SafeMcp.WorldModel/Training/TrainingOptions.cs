using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>Tunables of <c>safemcp train</c>. The same options and data give the same model, bit for bit.</summary>
public sealed class TrainingOptions
{
    /// <summary>Seed of initialization, shuffling, the validation split and policy sampling. Default 17.</summary>
    public int Seed { get; set; } = 17;

    /// <summary>The network's shape. Default <see cref="ModelShape.Default"/>.</summary>
    public ModelShape Shape { get; set; } = ModelShape.Default;

    /// <summary>Examples per optimizer step. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Adam step size of stages 1 and 2. Default 0.003.</summary>
    public float LearningRate { get; set; } = 3e-3f;

    /// <summary>Decoupled weight decay. Default 0.0001.</summary>
    public float WeightDecay { get; set; } = 1e-4f;

    /// <summary>Epochs of stage 1, next-state prediction. Default 3.</summary>
    public int DynamicsEpochs { get; set; } = 3;

    /// <summary>Epochs of stage 2, supervised labels and filtered tools. Default 7 (more overfits the 1,692 rows).</summary>
    public int SupervisedEpochs { get; set; } = 7;

    /// <summary>Epochs of stage 3, policy gradient on the verifiable rewards. Default 3.</summary>
    public int PolicyEpochs { get; set; } = 3;

    /// <summary>Adam step size of stage 3 (smaller: it refines a policy). Default 0.0005.</summary>
    public float PolicyLearningRate { get; set; } = 5e-4f;

    /// <summary>Weight of the stage-2 loss kept during stage 3 so the policy does not drift from the labels. Default 0.1.</summary>
    public float PolicySupervisedAnchor { get; set; } = 0.1f;

    /// <summary>Weight of a tool that must be filtered relative to one that must not (they are rare). Default 2.</summary>
    public float ToolPositiveWeight { get; set; } = 2f;

    /// <summary>Probability that a feature is dropped from a bag in a training step (regularizes the hashed embeddings). Default 0.2.</summary>
    public double FeatureDropout { get; set; } = 0.2;

    /// <summary>Largest share of safe validation rows the chosen safe-label bias may intervene on. Default 0.1.</summary>
    public double MaxFalseIntervention { get; set; } = 0.1;

    /// <summary>
    /// Share of the training rows' prefix calls added to stage 2 as safe examples (each judged after the calls before
    /// it, no tool filtered). The prefix calls are unlabelled; they come before the labelled call and are mostly ordinary
    /// steps, and a session judges every one of them. 0: none. Default 0.
    /// </summary>
    public double PresumedSafePrefixShare { get; set; }

    /// <summary>
    /// How much each presumed-safe prefix call counts in stage 2 against a labelled row (1): below 1 they teach what an
    /// ordinary step looks like without outweighing the labelled checks. Default 1.
    /// </summary>
    public float PresumedSafeWeight { get; set; } = 1f;

    /// <summary>
    /// Folds of the grouped cross-validation whose out-of-fold predictions choose the decision thresholds before the
    /// final model is trained on every row; below 2, no cross-validation and the thresholds keep their defaults. Default 5.
    /// </summary>
    public int CalibrationFolds { get; set; } = 5;

    /// <summary>The tool threshold while the safe-label bias is chosen, and when no cross-validation runs. Default 0.5.</summary>
    public float InitialToolThreshold { get; set; } = 0.5f;

    /// <summary>Weight of an unsafe row's label loss relative to a safe row's. Default 1.</summary>
    public float UnsafeLabelWeight { get; set; } = 1f;

    /// <summary>Weight of a critical row's label loss relative to a safe row's. Default 1.</summary>
    public float CriticalLabelWeight { get; set; } = 1f;

    /// <summary>
    /// Networks averaged: each has a k-th of every width of <see cref="Shape"/> and its own seed, and they are packed
    /// into one network of <see cref="Shape"/> (same file, same cost per check). The widths must divide. Default 1:
    /// with <see cref="WorldModelWeights.CurrentActionWeight"/> chosen, one network is as good (docs/benchmarks.md, "World model").
    /// </summary>
    public int EnsembleMembers { get; set; } = 1;

    /// <summary>The label-loss weight of each label, indexed by <see cref="SafetyLabel"/>.</summary>
    public float[] LabelWeights() => [1f, UnsafeLabelWeight, CriticalLabelWeight];
}
