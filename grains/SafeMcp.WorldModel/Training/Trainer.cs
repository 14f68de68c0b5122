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
/// same weights. Grouped k-fold cross-validation on the training rows chooses the decision thresholds.
/// </summary>
public sealed class Trainer(TrainingOptions options, FeatureExtractor extractor, IProgress<TrainingProgress>? progress = null)
{
    private const float StageOneNextStateWeight = 1f;
    private const float StageTwoNextStateWeight = 0.5f;

    /// <summary>
    /// Trains a model on <paramref name="rows"/> (labelled). With <see cref="TrainingOptions.CalibrationFolds"/> of 2
    /// or more, the decision thresholds are chosen on out-of-fold predictions of a grouped k-fold cross-validation
    /// first, then the model is trained on every row; with fewer, the thresholds keep their defaults.
    /// </summary>
    public TrainingResult Train(IReadOnlyList<TrajectoryRow> rows)
    {
        var summary = new List<string>();
        CrossValidation? crossValidation = null;
        if (options.CalibrationFolds >= 2)
        {
            crossValidation = CrossValidate(rows);
            summary.Add($"{crossValidation.Folds}-fold cross-validation (grouped by instruction): safe bias {crossValidation.SafeBias:F2}, "
                + $"current-action weight {crossValidation.CurrentActionWeight:F2}, tool threshold {crossValidation.ToolThreshold:F2}; "
                + $"{crossValidation.PrefixInterventionRate:P1} of {crossValidation.PrefixCalls} prefix calls called unsafe or critical");
        }
        var weights = Fit(rows, summary, progress);
        weights.ReadsToolText = rows.Any(row => row.Input.Tools.Any(tool => tool.Description is not null || tool.SchemaText is not null));
        if (crossValidation is not null)
        {
            weights.SafeBias = crossValidation.SafeBias;
            weights.CurrentActionWeight = crossValidation.CurrentActionWeight;
            weights.ToolThreshold = crossValidation.ToolThreshold;
        }
        return new TrainingResult(weights, crossValidation, summary);
    }

    /// <summary>
    /// Grouped k-fold cross-validation with <see cref="TrainingOptions.CalibrationFolds"/> folds: a model a fold,
    /// trained on the other folds, predicts its fold; the thresholds are chosen on all those predictions.
    /// </summary>
    public CrossValidation CrossValidate(IReadOnlyList<TrajectoryRow> rows)
    {
        var folds = options.CalibrationFolds;
        var foldOf = GroupedFolds.Assign(rows, folds, options.Seed);
        var members = Enumerable.Range(0, folds).Select(fold => Enumerable.Range(0, rows.Count).Where(i => foldOf[i] == fold).ToArray()).ToArray();
        var predictions = new Prediction[rows.Count];
        var prefixCalls = new List<(WorldModelInput Input, Prediction Prediction)>();
        for (var fold = 0; fold < folds; fold++)
        {
            var training = rows.Where((_, i) => foldOf[i] != fold).ToArray();
            var heldOut = members[fold];
            var network = new WorldModelNetwork(Fit(training, [], null), CpuBackend.Instance);
            var predicted = network.Predict(heldOut.Select(i => extractor.Encode(rows[i].Input)).ToArray());
            for (var k = 0; k < heldOut.Length; k++)
            {
                predictions[heldOut[k]] = predicted[k];
            }
            // The held-out rows' prefix calls, each judged as a check of its own by the same model: a session judges every
            // call, and what the model stops or withholds early is refused later (a diagnostic, printed with the thresholds).
            var calls = heldOut.SelectMany(i => rows[i].Input.PrefixChecks().Select(call => call.Check)).ToArray();
            prefixCalls.AddRange(calls.Zip(network.Predict(calls.Select(extractor.Encode).ToArray())));
        }
        var (safeBias, currentActionWeight, toolThreshold) = new ThresholdCalibrator(options.MaxFalseIntervention).Choose(rows, predictions, options.InitialToolThreshold);
        var perFold = members
            .Select(fold => ThresholdCalibrator.Score(fold.Select(i => rows[i]).ToArray(), fold.Select(i => predictions[i]).ToArray(), safeBias, toolThreshold, currentActionWeight))
            .ToArray();
        return new CrossValidation(folds, predictions, safeBias, currentActionWeight, toolThreshold,
            ThresholdCalibrator.Score(rows, predictions, safeBias, toolThreshold, currentActionWeight), perFold,
            ThresholdCalibrator.PrefixInterventionRate(prefixCalls, safeBias, currentActionWeight), prefixCalls.Count);
    }

    /// <summary>
    /// The model trained on <paramref name="rows"/>, every one of them used for training; thresholds at their defaults.
    /// With <see cref="TrainingOptions.EnsembleMembers"/> above 1, that many networks of a k-th of the widths, each seeded
    /// on its own (seed, seed + 1, …), packed into one network that averages them (<see cref="EnsemblePacker"/>).
    /// </summary>
    private WorldModelWeights Fit(IReadOnlyList<TrajectoryRow> rows, List<string> summary, IProgress<TrainingProgress>? report)
    {
        var members = options.EnsembleMembers;
        if (members <= 1)
        {
            return FitMember(rows, options.Shape, options.Seed, summary, report);
        }
        var shape = EnsemblePacker.MemberShape(options.Shape, members);
        var trained = new WorldModelWeights[members];
        for (var m = 0; m < members; m++)
        {
            var lines = new List<string>();
            trained[m] = FitMember(rows, shape, options.Seed + m, lines, report);
            summary.AddRange(lines.Select(line => $"member {m + 1}/{members}, {line}"));
        }
        return EnsemblePacker.Pack(options.Shape, trained);
    }

    /// <summary>The three stages on <paramref name="rows"/> for one network of <paramref name="shape"/> seeded with <paramref name="seed"/>.</summary>
    private WorldModelWeights FitMember(IReadOnlyList<TrajectoryRow> rows, ModelShape shape, int seed, List<string> summary, IProgress<TrainingProgress>? report)
    {
        var random = new Random(seed);
        var training = rows.OrderBy(_ => random.Next()).ToArray();
        var builder = new ExampleBuilder(extractor);
        var labelled = training.Select(builder.Labelled).ToArray();
        var dynamics = training.SelectMany(builder.Dynamics).ToArray();
        var weights = WorldModelWeights.Initialize(shape, seed);
        weights.ToolThreshold = options.InitialToolThreshold;
        var network = new WorldModelNetwork(weights, CpuBackend.Instance);
        var optimizer = new AdamOptimizer(weights.Parameters.Length, options.LearningRate, options.WeightDecay);

        var dynamicsObjective = new SupervisedObjective(0, 0, StageOneNextStateWeight, options.ToolPositiveWeight);
        var loss = RunStage(1, "dynamics", network, optimizer, dynamicsObjective, dynamics, options.DynamicsEpochs, random, report);
        summary.Add($"stage 1 dynamics: {dynamics.Length} examples, final epoch loss {loss:F4}");

        var supervised = SupervisedStageObjective();
        var stageTwo = labelled;
        if (options.PresumedSafePrefixShare > 0)
        {
            stageTwo = [.. labelled, .. training.SelectMany(row => builder.PresumedSafe(row, options.PresumedSafeWeight)).Where(_ => random.NextDouble() < options.PresumedSafePrefixShare)];
        }
        loss = RunStage(2, "supervised", network, optimizer, supervised, stageTwo, options.SupervisedEpochs, random, report);
        summary.Add($"stage 2 supervised: {stageTwo.Length} examples ({stageTwo.Length - labelled.Length} presumed-safe prefix calls), final epoch loss {loss:F4}");

        if (options.PolicyEpochs > 0)
        {
            optimizer.LearningRate = options.PolicyLearningRate;
            var policy = new PolicyGradientObjective(supervised, options.PolicySupervisedAnchor);
            for (var epoch = 1; epoch <= options.PolicyEpochs; epoch++)
            {
                policy.SafetyReward.Reset();
                policy.ToolsReward.Reset();
                RunEpoch(3, "policy-gradient", epoch, options.PolicyEpochs, network, optimizer, policy, labelled, random, report);
                summary.Add($"stage 3 policy gradient epoch {epoch}: mean safety reward {policy.SafetyReward.Mean:F3}, mean tools reward {policy.ToolsReward.Mean:F3}");
            }
        }
        return weights;
    }

    private SupervisedObjective SupervisedStageObjective() =>
        new(1, 1, StageTwoNextStateWeight, options.ToolPositiveWeight, options.LabelWeights());

    /// <summary>The mean stage-2 loss of <paramref name="weights"/> on <paramref name="examples"/>.</summary>
    public double SupervisedLoss(WorldModelWeights weights, IReadOnlyList<TrainingExample> examples)
    {
        var network = new WorldModelNetwork(weights, CpuBackend.Instance);
        var trace = network.Forward(examples.Select(e => e.Encoded).ToArray());
        return SupervisedStageObjective().Fill(trace, examples, new OutputGradients(trace.Examples, trace.Tools), new Random(0)) / examples.Count;
    }

    /// <summary>Runs the stage-2 objective alone on <paramref name="examples"/> for <paramref name="epochs"/> epochs.</summary>
    public WorldModelWeights TrainSupervised(IReadOnlyList<TrainingExample> examples, int epochs)
    {
        var weights = WorldModelWeights.Initialize(options.Shape, options.Seed);
        var network = new WorldModelNetwork(weights, CpuBackend.Instance);
        var optimizer = new AdamOptimizer(weights.Parameters.Length, options.LearningRate, options.WeightDecay);
        RunStage(2, "supervised", network, optimizer, SupervisedStageObjective(), examples, epochs, new Random(options.Seed), progress);
        return weights;
    }

    /// <summary>Predicts every row and scores it.</summary>
    public EvaluationReport Evaluate(WorldModelNetwork network, IReadOnlyList<TrajectoryRow> rows)
    {
        var predictions = network.Predict(rows.Select(r => extractor.Encode(r.Input)).ToArray());
        var outcomes = rows.Select((r, i) => CheckOutcome.From(r.Input, predictions[i], network.Weights.ToolThreshold, network.Weights.SafeBias, network.Weights.CurrentActionWeight)).ToArray();
        return Evaluator.Evaluate(rows, outcomes, []);
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
        IReadOnlyList<TrainingExample> examples, int epochs, Random random, IProgress<TrainingProgress>? report)
    {
        var loss = 0.0;
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            loss = RunEpoch(stage, name, epoch, epochs, network, optimizer, objective, examples, random, report);
        }
        return loss;
    }

    private double RunEpoch(int stage, string name, int epoch, int epochs, WorldModelNetwork network, AdamOptimizer optimizer,
        ITrainingObjective objective, IReadOnlyList<TrainingExample> examples, Random random, IProgress<TrainingProgress>? report)
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
            report?.Report(new TrainingProgress(stage, name, epoch, epochs, b + 1, batches, total / Math.Min(order.Length, (b + 1) * options.BatchSize)));
        }
        return order.Length == 0 ? 0 : total / order.Length;
    }
}
