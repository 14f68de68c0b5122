using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Training;

namespace SafeMcp.WorldModel.Tests;

public sealed class CrossValidationTests
{
    [Fact]
    public void Rows_of_one_instruction_share_a_fold_and_every_fold_is_used()
    {
        var rows = TestModels.Rows();

        var folds = GroupedFolds.Assign(rows, folds: 4, seed: 9);

        foreach (var group in rows.Select((r, i) => (r.Input.Instruction, Fold: folds[i])).GroupBy(p => p.Instruction))
        {
            Assert.Single(group.Select(p => p.Fold).Distinct());
        }
        Assert.Equal([0, 1, 2, 3], folds.Distinct().Order());
        Assert.Equal(folds, GroupedFolds.Assign(rows, folds: 4, seed: 9));
    }

    [Fact]
    public void Safe_bias_is_raised_until_false_interventions_are_within_the_bound()
    {
        // Ten safe rows the model leans to call unsafe (p(safe) = 0.3), ten unsafe rows it calls unsafe firmly.
        var (rows, predictions) = SafeAndUnsafeRows(safe => safe ? "Read" : "Delete",
            safe => new Prediction(safe ? [0.3f, 0.6f, 0.1f] : [0.02f, 0.95f, 0.03f], safe ? [0.1f, 0.2f] : [0.1f, 0.9f], [0, 0, 0]));

        var (safeBias, _, toolThreshold) = new ThresholdCalibrator(maxFalseIntervention: 0.1).Choose(rows, predictions, initialToolThreshold: 0.5f);

        var report = ThresholdCalibrator.Score(rows, predictions, safeBias, toolThreshold);
        Assert.True(safeBias > 0.6f, $"safe bias {safeBias}");
        Assert.Equal(0, report.FalseInterventionOnSafe);
        Assert.Equal(1, report.UnsafeRecall);
        Assert.Equal(1, report.ToolF1);
    }

    [Fact]
    public void Current_action_weight_is_chosen_when_the_filter_score_of_the_action_tells_unsafe_from_safe()
    {
        // The label head cannot tell the rows apart (same probabilities); the current action's filter score can.
        var (rows, predictions) = SafeAndUnsafeRows(_ => "Delete", safe => new Prediction([0.4f, 0.4f, 0.2f], safe ? [0.1f, 0.05f] : [0.1f, 0.95f], [0, 0, 0]));

        var (safeBias, weight, toolThreshold) = new ThresholdCalibrator(maxFalseIntervention: 0.1).Choose(rows, predictions, initialToolThreshold: 0.5f);

        var report = ThresholdCalibrator.Score(rows, predictions, safeBias, toolThreshold, weight);
        Assert.True(weight > 0, $"current-action weight {weight}");
        Assert.Equal(1, report.UnsafeRecall);
        Assert.Equal(0, report.FalseInterventionOnSafe);
        var unweighted = ThresholdCalibrator.Score(rows, predictions, safeBias, toolThreshold);
        Assert.Equal(0.5, unweighted.Accuracy);
        // Rows by true label, then by predicted label: without the weight every row gets the same label, unsafe.
        Assert.Equal([[10, 0, 0], [0, 10, 0], [0, 0, 0]], report.Confusion!.Select(row => row.ToArray()));
        Assert.Equal([[0, 10, 0], [0, 10, 0], [0, 0, 0]], unweighted.Confusion!.Select(row => row.ToArray()));
        // Each label's scores come from the matrix: safe is never predicted, unsafe half right, critical absent.
        Assert.Equal([(0, 0, 0), (0.5, 1, 2 / 3.0), (0, 0, 0)], Evaluation.Evaluator.PerLabel(unweighted.Confusion!));
        Assert.Equal(2 / 9.0, unweighted.MacroF1, 9);
    }

    [Fact]
    public void Current_action_log_odds_come_from_the_called_tool_and_raise_only_the_unsafe_label()
    {
        var tools = new[] { new ToolInfo("Read"), new ToolInfo("Delete") };
        var prediction = new Prediction([0.5f, 0.3f, 0.2f], [0.5f, 0.9f], [0, 0, 0]);
        var deleting = new WorldModelInput("task", tools, [], new TrajectoryStep("Delete", "{}"));

        Assert.Equal(MathF.Log(9), CheckOutcome.CurrentActionLogOdds(deleting, prediction), 4);
        Assert.Equal(0, CheckOutcome.CurrentActionLogOdds(deleting with { Current = new TrajectoryStep("Unknown", "{}") }, prediction));
        Assert.Equal(0, CheckOutcome.CurrentActionLogOdds(deleting with { Current = null }, prediction));
        Assert.Equal(SafetyLabel.Safe, CheckOutcome.From(deleting, prediction, 0.5f).Label);
        Assert.Equal(SafetyLabel.Unsafe, CheckOutcome.From(deleting, prediction, 0.5f, currentActionWeight: 0.5f).Label);
        Assert.Equal(SafetyLabel.Critical, CheckOutcome.Decide([0.2f, 0.3f, 0.5f], 0, unsafeBias: 0.4f));
    }

    [Fact]
    public void Each_prefix_call_becomes_a_check_after_the_calls_before_it_and_its_intervention_rate_follows_the_rule()
    {
        var tools = new[] { new ToolInfo("Read"), new ToolInfo("Delete") };
        var input = new WorldModelInput("task", tools,
            [new TrajectoryStep("Read", "{}", "a result"), new TrajectoryStep(null, null, "a final answer"), new TrajectoryStep("Delete", "{\"p\":1}", "done")],
            new TrajectoryStep("Read", "{}"));

        var calls = input.PrefixChecks().Select(call => call.Check).ToList();

        Assert.Equal(["Read", "Delete"], calls.Select(c => c.Current!.Action));
        Assert.Equal([0, 2], calls.Select(c => c.Prefix.Count));
        Assert.All(calls, c => Assert.Null(c.Current!.Observation));
        Assert.Equal("{\"p\":1}", calls[1].Current!.ArgumentsText);
        Assert.Equal(["a result", "done"], input.PrefixChecks().Select(call => call.Observation));
        // The first leans safe, the second unsafe: a higher safe bias calls fewer of them unsafe or critical.
        (WorldModelInput, Prediction)[] judged =
            [(calls[0], new Prediction([0.6f, 0.3f, 0.1f], [0.1f, 0.1f], [0, 0, 0])), (calls[1], new Prediction([0.2f, 0.7f, 0.1f], [0.1f, 0.9f], [0, 0, 0]))];
        Assert.Equal(0.5, ThresholdCalibrator.PrefixInterventionRate(judged, safeBias: 0, currentActionWeight: 0));
        Assert.Equal(0, ThresholdCalibrator.PrefixInterventionRate(judged, safeBias: 3, currentActionWeight: 0));
        Assert.Equal(0, ThresholdCalibrator.PrefixInterventionRate([], safeBias: 0, currentActionWeight: 0));
    }

    [Fact]
    public void Cross_validation_predicts_every_row_out_of_fold_and_scores_each_fold()
    {
        var options = new TrainingOptions { Shape = TestModels.Tiny, DynamicsEpochs = 1, SupervisedEpochs = 2, PolicyEpochs = 1, BatchSize = 4, CalibrationFolds = 2, EnsembleMembers = 1 };
        var rows = TestModels.Rows();

        var result = new Trainer(options, TestModels.Extractor(options.Shape)).CrossValidate(rows);

        Assert.Equal(rows.Count, result.OutOfFold.Count);
        Assert.All(result.OutOfFold, p => Assert.NotNull(p));
        Assert.Equal(2, result.PerFold.Count);
        Assert.Equal(rows.Count, result.PerFold.Sum(r => r.Rows));
        Assert.Equal(rows.Count, result.Pooled.Rows);
        // Every prefix call of every row was judged out of fold too.
        Assert.Equal(rows.Sum(r => r.Input.PrefixChecks().Count()), result.PrefixCalls);
        Assert.InRange(result.PrefixInterventionRate, 0, 1);
    }

    /// <summary>Ten safe rows then ten unsafe ones (which filter Delete) over the tools Read and Delete, with their predictions.</summary>
    private static (List<TrajectoryRow> Rows, List<Prediction> Predictions) SafeAndUnsafeRows(Func<bool, string> action, Func<bool, Prediction> prediction)
    {
        var rows = new List<TrajectoryRow>();
        var predictions = new List<Prediction>();
        var tools = new[] { new ToolInfo("Read"), new ToolInfo("Delete") };
        for (var i = 0; i < 20; i++)
        {
            var safe = i < 10;
            var input = new WorldModelInput("task", tools, [], new TrajectoryStep(action(safe), "{}"));
            rows.Add(new TrajectoryRow(i, input, new RowLabel(safe ? SafetyLabel.Safe : SafetyLabel.Unsafe, safe ? [] : ["Delete"], null)));
            predictions.Add(prediction(safe));
        }
        return (rows, predictions);
    }
}
