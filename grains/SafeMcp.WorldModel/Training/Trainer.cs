using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Kernels;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// The three training stages of the SafeMCP paper. 1, environmental dynamic grounding: next-state prediction
/// over every recorded step. 2, safe policy initialization: supervised labels and filtered tools. 3, policy
/// gradient on the dual verifiable rewards. Single-threaded and seeded: the same data and options give the
/// same weights. A validation share of the rows chooses the tool threshold.
/// </summary>
public sealed class Trainer(TrainingOptions options, FeatureExtractor extractor, IProgress<TrainingProgress>? progress = null)
{
    private const float StageOneNextStateWeight = 1f;
    private const float StageTwoNextStateWeight = 0.5f;

    /// <summary>Trains a model on <paramref name="rows"/> (labelled).</summary>
    public TrainingResult Train(IReadOnlyList<TrajectoryRow> rows)
    {
        var random = new Random(options.Seed);
        var shuffled = rows.OrderBy(_ => random.Next()).ToArray();
        var validationCount = (int)Math.Round(shuffled.Length * options.ValidationShare);
        var validation = shuffled[..validationCount];
        var training = shuffled[validationCount..];

        var builder = new ExampleBuilder(extractor);
        var labelled = training.Select(builder.Labelled).ToArray();
        var dynamics = training.SelectMany(builder.Dynamics).ToArray();
        var weights = WorldModelWeights.Initialize(options.Shape, options.Seed);
        var network = new WorldModelNetwork(weights, CpuBackend.Instance);
        var optimizer = new AdamOptimizer(weights.Parameters.Length, options.LearningRate, options.WeightDecay);
        var summary = new List<string>();

        var dynamicsObjective = new SupervisedObjective(0, 0, StageOneNextStateWeight, options.ToolPositiveWeight);
        var loss = RunStage(1, "dynamics", network, optimizer, dynamicsObjective, dynamics, options.DynamicsEpochs, random);
        summary.Add($"stage 1 dynamics: {dynamics.Length} examples, final epoch loss {loss:F4}");

        var supervised = new SupervisedObjective(1, 1, StageTwoNextStateWeight, options.ToolPositiveWeight);
        loss = RunStage(2, "supervised", network, optimizer, supervised, labelled, options.SupervisedEpochs, random);
        summary.Add($"stage 2 supervised: {labelled.Length} examples, final epoch loss {loss:F4}");

        if (options.PolicyEpochs > 0)
        {
            optimizer.LearningRate = options.PolicyLearningRate;
            var policy = new PolicyGradientObjective(supervised, options.PolicySupervisedAnchor);
            for (var epoch = 1; epoch <= options.PolicyEpochs; epoch++)
            {
                policy.SafetyReward.Reset();
                policy.ToolsReward.Reset();
                RunEpoch(3, "policy-gradient", epoch, options.PolicyEpochs, network, optimizer, policy, labelled, random);
                summary.Add($"stage 3 policy gradient epoch {epoch}: mean safety reward {policy.SafetyReward.Mean:F3}, mean tools reward {policy.ToolsReward.Mean:F3}");
            }
        }

        EvaluationReport? report = null;
        if (validation.Length > 0)
        {
            var predictions = network.Predict(validation.Select(r => extractor.Encode(r.Input)).ToArray());
            weights.SafeBias = ChooseSafeBias(validation, predictions, weights.ToolThreshold);
            weights.ToolThreshold = ChooseToolThreshold(validation, predictions, weights.SafeBias);
            report = Evaluate(network, validation);
            summary.Add($"chosen on {validation.Length} validation rows: safe bias {weights.SafeBias:F2}, tool threshold {weights.ToolThreshold:F2}");
        }
        return new TrainingResult(weights, report, summary);
    }

    /// <summary>The mean stage-2 loss of <paramref name="weights"/> on <paramref name="examples"/>.</summary>
    public double SupervisedLoss(WorldModelWeights weights, IReadOnlyList<TrainingExample> examples)
    {
        var network = new WorldModelNetwork(weights, CpuBackend.Instance);
        var trace = network.Forward(examples.Select(e => e.Encoded).ToArray());
        var objective = new SupervisedObjective(1, 1, StageTwoNextStateWeight, options.ToolPositiveWeight);
        return objective.Fill(trace, examples, new OutputGradients(trace.Examples, trace.Tools), new Random(0)) / examples.Count;
    }

    /// <summary>Runs the stage-2 objective alone on <paramref name="examples"/> for <paramref name="epochs"/> epochs.</summary>
    public WorldModelWeights TrainSupervised(IReadOnlyList<TrainingExample> examples, int epochs)
    {
        var weights = WorldModelWeights.Initialize(options.Shape, options.Seed);
        var network = new WorldModelNetwork(weights, CpuBackend.Instance);
        var optimizer = new AdamOptimizer(weights.Parameters.Length, options.LearningRate, options.WeightDecay);
        var objective = new SupervisedObjective(1, 1, StageTwoNextStateWeight, options.ToolPositiveWeight);
        RunStage(2, "supervised", network, optimizer, objective, examples, epochs, new Random(options.Seed));
        return weights;
    }

    /// <summary>Predicts every row and scores it.</summary>
    public EvaluationReport Evaluate(WorldModelNetwork network, IReadOnlyList<TrajectoryRow> rows)
    {
        var predictions = network.Predict(rows.Select(r => extractor.Encode(r.Input)).ToArray());
        var outcomes = rows.Select((r, i) => CheckOutcome.From(r.Input, predictions[i], network.Weights.ToolThreshold, network.Weights.SafeBias)).ToArray();
        return Evaluator.Evaluate(rows, outcomes, []);
    }

    /// <summary>
    /// The safe-label bias with the best validation macro-F1 among those keeping false interventions on safe
    /// rows within <see cref="TrainingOptions.MaxFalseIntervention"/> (the least intervening one when none does).
    /// </summary>
    private float ChooseSafeBias(IReadOnlyList<TrajectoryRow> validation, Prediction[] predictions, float toolThreshold)
    {
        var best = (Bias: 0f, MacroF1: -1.0, FalseIntervention: double.MaxValue);
        for (var bias = -1f; bias <= 5f + 1e-4f; bias += 0.25f)
        {
            var outcomes = validation.Select((r, i) => CheckOutcome.From(r.Input, predictions[i], toolThreshold, bias)).ToArray();
            var report = Evaluator.Evaluate(validation, outcomes, []);
            var within = report.FalseInterventionOnSafe <= options.MaxFalseIntervention;
            var bestWithin = best.FalseIntervention <= options.MaxFalseIntervention;
            var better = within
                ? !bestWithin || report.MacroF1 > best.MacroF1 + 1e-9
                : !bestWithin && report.FalseInterventionOnSafe < best.FalseIntervention - 1e-9;
            if (better)
            {
                best = (bias, report.MacroF1, report.FalseInterventionOnSafe);
            }
        }
        return best.Bias;
    }

    private static float ChooseToolThreshold(IReadOnlyList<TrajectoryRow> validation, Prediction[] predictions, float safeBias)
    {
        var best = (Threshold: 0.5f, F1: -1.0);
        for (var threshold = 0.2f; threshold <= 0.8f + 1e-4f; threshold += 0.05f)
        {
            var outcomes = validation.Select((r, i) => CheckOutcome.From(r.Input, predictions[i], threshold, safeBias)).ToArray();
            var f1 = Evaluator.Evaluate(validation, outcomes, []).ToolF1;
            if (f1 > best.F1 + 1e-9)
            {
                best = (threshold, f1);
            }
        }
        return MathF.Round(best.Threshold, 2);
    }

    private EncodedInput Dropout(EncodedInput input, Random random)
    {
        if (options.FeatureDropout <= 0)
        {
            return input;
        }
        int[] Keep(int[] ids)
        {
            var kept = ids.Where(_ => random.NextDouble() >= options.FeatureDropout).ToArray();
            return kept.Length == 0 ? ids : kept;
        }
        return new EncodedInput(Keep(input.Context), input.Tools.Select(Keep).ToArray());
    }

    private double RunStage(int stage, string name, WorldModelNetwork network, AdamOptimizer optimizer, ITrainingObjective objective,
        IReadOnlyList<TrainingExample> examples, int epochs, Random random)
    {
        var loss = 0.0;
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            loss = RunEpoch(stage, name, epoch, epochs, network, optimizer, objective, examples, random);
        }
        return loss;
    }

    private double RunEpoch(int stage, string name, int epoch, int epochs, WorldModelNetwork network, AdamOptimizer optimizer,
        ITrainingObjective objective, IReadOnlyList<TrainingExample> examples, Random random)
    {
        var order = Enumerable.Range(0, examples.Count).OrderBy(_ => random.Next()).ToArray();
        var gradient = new float[network.Weights.Parameters.Length];
        var batches = (order.Length + options.BatchSize - 1) / options.BatchSize;
        double total = 0;
        for (var b = 0; b < batches; b++)
        {
            var batch = order.Skip(b * options.BatchSize).Take(options.BatchSize).Select(i => examples[i]).ToArray();
            var encoded = batch.Select(e => Dropout(e.Encoded, random)).ToArray();
            var trace = network.Forward(encoded);
            var outputs = new OutputGradients(trace.Examples, trace.Tools);
            total += objective.Fill(trace, batch, outputs, random);
            Backpropagation.Backward(network.Weights, trace, encoded, outputs, gradient);
            optimizer.Step(network.Weights.Parameters, gradient);
            progress?.Report(new TrainingProgress(stage, name, epoch, epochs, b + 1, batches, total / Math.Min(order.Length, (b + 1) * options.BatchSize)));
        }
        return order.Length == 0 ? 0 : total / order.Length;
    }
}
