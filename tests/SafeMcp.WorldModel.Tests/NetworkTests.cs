using SafeMcp.WorldModel.Kernels;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Training;

namespace SafeMcp.WorldModel.Tests;

public sealed class NetworkTests
{
    [Fact]
    public void Batched_predictions_equal_one_by_one_predictions()
    {
        var network = new WorldModelNetwork(WorldModelWeights.Initialize(TestModels.Tiny, seed: 11), CpuBackend.Instance);
        var encoded = TestModels.Examples(TestModels.Tiny).Select(e => e.Encoded).ToArray();

        var batched = network.Predict(encoded);

        for (var i = 0; i < encoded.Length; i++)
        {
            var single = network.Predict([encoded[i]])[0];
            Assert.Equal(single.LabelProbabilities, batched[i].LabelProbabilities);
            Assert.Equal(single.ToolProbabilities, batched[i].ToolProbabilities);
            Assert.Equal(single.NextState, batched[i].NextState);
        }
    }

    [Fact]
    public void Backpropagation_matches_finite_differences()
    {
        var shape = TestModels.Tiny;
        var examples = TestModels.Examples(shape).Take(6).ToArray();
        var trainer = new Trainer(new TrainingOptions { Shape = shape, FeatureDropout = 0 }, TestModels.Extractor(shape));
        var weights = WorldModelWeights.Initialize(shape, seed: 2);
        var network = new WorldModelNetwork(weights, CpuBackend.Instance);
        var encoded = examples.Select(e => e.Encoded).ToArray();
        var trace = network.Forward(encoded);
        var outputs = new OutputGradients(trace.Examples, trace.Tools);
        new SupervisedObjective(1, 1, 0.5f, 2f).Fill(trace, examples, outputs, new Random(0));
        var gradient = new float[weights.Parameters.Length];
        Backpropagation.Backward(weights, trace, encoded, outputs, gradient);

        // Check the parameters that have a gradient worth measuring: some of every tensor that is touched.
        var checkedCount = 0;
        foreach (var index in Enumerable.Range(0, gradient.Length).Where(i => Math.Abs(gradient[i]) > 1e-3).Take(400).Where((_, k) => k % 5 == 0))
        {
            const float step = 2e-3f;
            var original = weights.Parameters[index];
            weights.Parameters[index] = original + step;
            var plus = trainer.SupervisedLoss(weights, examples);
            weights.Parameters[index] = original - step;
            var minus = trainer.SupervisedLoss(weights, examples);
            weights.Parameters[index] = original;
            var numeric = (plus - minus) / (2 * step);
            Assert.True(Math.Abs(numeric - gradient[index]) <= 0.05 * Math.Abs(gradient[index]) + 2e-3,
                $"parameter {index}: backprop {gradient[index]}, finite difference {numeric}");
            checkedCount++;
        }
        Assert.True(checkedCount > 20);
    }

    [Fact]
    public void Training_reduces_the_loss_on_a_small_fixed_set()
    {
        var shape = TestModels.Tiny;
        var examples = TestModels.Examples(shape);
        var options = new TrainingOptions { Shape = shape, Seed = 4, BatchSize = 4 };
        var trainer = new Trainer(options, TestModels.Extractor(shape));
        var before = trainer.SupervisedLoss(WorldModelWeights.Initialize(shape, options.Seed), examples);

        var trained = trainer.TrainSupervised(examples, epochs: 30);
        var after = trainer.SupervisedLoss(trained, examples);

        Assert.True(after < before * 0.5, $"loss before {before:F4}, after {after:F4}");
    }

    [Fact]
    public void The_curves_hold_each_stage_runs_epoch_means_as_reported_and_an_ensemble_member_starts_a_run()
    {
        var rows = TestModels.Rows();
        var options = new TrainingOptions { Shape = TestModels.Tiny, DynamicsEpochs = 2, SupervisedEpochs = 3, PolicyEpochs = 2, BatchSize = 4, CalibrationFolds = 0, EnsembleMembers = 2 };
        var reports = new List<TrainingProgress>();
        var curves = new TrainingCurves(new Progress(reports));

        new Trainer(options, TestModels.Extractor(options.Shape), curves).Train(rows);

        Assert.Equal([(1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (3, 2)], curves.Curves.Select(c => (c.Stage, c.Run)));
        Assert.Equal([2, 3, 2, 2, 3, 2], curves.Curves.Select(c => c.EpochLosses.Count));
        // Every report reached the next progress, and a curve's points are the epochs' last reports, in order.
        var epochEnds = reports.Where(r => r.Batch == r.Batches).Select(r => r.MeanLoss).ToList();
        Assert.Equal(epochEnds, curves.Curves.SelectMany(c => c.EpochLosses));
        Assert.True(reports.Count > epochEnds.Count);
    }

    private sealed class Progress(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    [Fact]
    public void Prefix_calls_become_safe_examples_seen_from_the_calls_before_them_only_when_asked()
    {
        var rows = TestModels.Rows();
        var builder = new ExampleBuilder(TestModels.Extractor(TestModels.Tiny));

        var examples = rows.SelectMany(row => builder.PresumedSafe(row)).ToList();

        // Each task's critical row has one prefix call (SearchEmails): one safe example a task, nothing filtered, no result read.
        Assert.Equal(4, examples.Count);
        Assert.All(examples, e =>
        {
            Assert.Equal(SafetyLabel.Safe, e.Label);
            Assert.Equal("SearchEmails", e.Input.Current!.Action);
            Assert.Empty(e.Input.Prefix);
            Assert.Null(e.Input.Current.Observation);
            Assert.All(e.ToolTargets, t => Assert.Equal(0f, t));
        });
        var options = new TrainingOptions { Shape = TestModels.Tiny, DynamicsEpochs = 1, SupervisedEpochs = 1, PolicyEpochs = 0, BatchSize = 4, CalibrationFolds = 0 };
        var without = new Trainer(options, TestModels.Extractor(options.Shape)).Train(rows);
        var again = new Trainer(options, TestModels.Extractor(options.Shape)).Train(rows);
        Assert.Contains("(0 presumed-safe prefix calls)", string.Join("\n", without.Summary));
        options.PresumedSafePrefixShare = 1;
        var all = new Trainer(options, TestModels.Extractor(options.Shape)).Train(rows);
        Assert.Contains($"{rows.Count + 4} examples (4 presumed-safe prefix calls)", string.Join("\n", all.Summary));
        Assert.NotEqual(without.Weights.Parameters, all.Weights.Parameters);
        Assert.Equal(without.Weights.Parameters, again.Weights.Parameters);
    }

    [Fact]
    public void An_example_weight_scales_its_whole_supervised_loss_and_gradient()
    {
        var example = TestModels.Examples(TestModels.Tiny).First(e => e.Label != SafetyLabel.Safe && e.ToolTargets.Contains(1f));
        var network = new WorldModelNetwork(WorldModelWeights.Initialize(TestModels.Tiny, seed: 3), CpuBackend.Instance);
        var trace = network.Forward([example.Encoded]);
        var objective = new SupervisedObjective(labelWeight: 1, toolWeight: 1, nextStateWeight: 0.5f, toolPositiveWeight: 2);
        (double Loss, OutputGradients Gradients) Fill(TrainingExample e)
        {
            var gradients = new OutputGradients(trace.Examples, trace.Tools);
            return (objective.Fill(trace, [e], gradients, new Random(0)), gradients);
        }

        var full = Fill(example);
        var quarter = Fill(example with { Weight = 0.25f });

        Assert.True(full.Loss > 0);
        Assert.Equal(full.Loss / 4, quarter.Loss, 6);
        foreach (var (all, part) in new[] { (full.Gradients.Label, quarter.Gradients.Label), (full.Gradients.Tools, quarter.Gradients.Tools), (full.Gradients.NextState, quarter.Gradients.NextState) })
        {
            Assert.Contains(all, g => g != 0);
            Assert.Equal(all.Select(g => g / 4), part, (a, b) => Math.Abs(a - b) < 1e-6f);
        }
    }

    [Fact]
    public void Training_is_reproducible_with_the_same_seed()
    {
        var rows = TestModels.Rows();
        var options = new TrainingOptions { Shape = TestModels.Tiny, DynamicsEpochs = 1, SupervisedEpochs = 2, PolicyEpochs = 1, BatchSize = 4, CalibrationFolds = 2, EnsembleMembers = 1 };

        var first = new Trainer(options, TestModels.Extractor(options.Shape)).Train(rows).Weights;
        var second = new Trainer(options, TestModels.Extractor(options.Shape)).Train(rows).Weights;

        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.ToolThreshold, second.ToolThreshold);
        Assert.Equal(first.SafeBias, second.SafeBias);
    }
}
