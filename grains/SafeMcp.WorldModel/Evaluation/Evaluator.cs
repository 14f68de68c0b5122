using SafeMcp.Contracts;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Evaluation;

/// <summary>Scores conclusions against labelled rows.</summary>
public static class Evaluator
{
    /// <summary>
    /// The report for <paramref name="outcomes"/> (one per row, same order) and per-check latencies.
    /// Tool precision/recall/F1 are micro-averaged over every (row, tool) pair; a false intervention is a
    /// safe row given any other label.
    /// </summary>
    public static EvaluationReport Evaluate(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<CheckOutcome> outcomes, IReadOnlyList<double> latenciesMicroseconds) =>
        Evaluate(rows, [.. outcomes.Select(o => (o.Label, o.FilteredTools))], latenciesMicroseconds);

    /// <summary>The report for predicted labels and filtered tools (one per row, same order), as <see cref="Evaluate(IReadOnlyList{TrajectoryRow}, IReadOnlyList{CheckOutcome}, IReadOnlyList{double})"/>.</summary>
    public static EvaluationReport Evaluate(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<(SafetyLabel Label, IReadOnlyList<string> FilteredTools)> outcomes,
        IReadOnlyList<double> latenciesMicroseconds)
    {
        var confusion = new int[SafetyLabels.Count, SafetyLabels.Count];
        double reward = 0;
        long truePositives = 0, missed = 0, extra = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            var label = rows[r].Label ?? throw new InvalidDataException($"Row {rows[r].Index} has no label to evaluate against.");
            var outcome = outcomes[r];
            confusion[(int)label.Safety, (int)outcome.Label]++;
            var overlap = VerifiableRewards.Overlap(outcome.FilteredTools, label.FilteredTools);
            truePositives += overlap.TruePositives;
            missed += overlap.Missed;
            extra += overlap.Extra;
            reward += VerifiableRewards.Tools(overlap.Missed, overlap.Extra);
        }
        IReadOnlyList<IReadOnlyList<int>> matrix =
            [.. Enumerable.Range(0, SafetyLabels.Count).Select(t => (IReadOnlyList<int>)[.. Enumerable.Range(0, SafetyLabels.Count).Select(o => confusion[t, o])])];
        double correct = 0;
        for (var c = 0; c < SafetyLabels.Count; c++)
        {
            correct += confusion[c, c];
        }
        var precision = Ratio(truePositives, truePositives + extra);
        var recall = Ratio(truePositives, truePositives + missed);
        var safeRows = Row(confusion, SafetyLabel.Safe);
        var unsafeRows = Row(confusion, SafetyLabel.Unsafe);
        var sorted = latenciesMicroseconds.Order().ToArray();
        return new EvaluationReport(
            rows.Count,
            Ratio(correct, rows.Count),
            PerLabel(matrix).Average(scores => scores.F1),
            Ratio(reward, rows.Count),
            precision,
            recall,
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
            Ratio(confusion[(int)SafetyLabel.Unsafe, (int)SafetyLabel.Unsafe], unsafeRows),
            Ratio(safeRows - confusion[(int)SafetyLabel.Safe, (int)SafetyLabel.Safe], safeRows),
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.99),
            matrix);
    }

    /// <summary>
    /// Who stopped the safe rows the decision path did not let through (its false interventions): rows by layer, most
    /// first; a row decided by two layers counts for each.
    /// </summary>
    public static IReadOnlyList<(string Layer, int Rows)> FalseInterventionsBy(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<PathPrediction> predictions) =>
        [.. rows.Zip(predictions)
            .Where(pair => pair.First.Label?.Safety == SafetyLabel.Safe && pair.Second.Label != SafetyLabel.Safe)
            .SelectMany(pair => pair.Second.DecidedBy.Distinct(StringComparer.Ordinal))
            .GroupBy(layer => layer, StringComparer.Ordinal)
            .Select(group => (group.Key, group.Count()))
            .OrderByDescending(pair => pair.Item2).ThenBy(pair => pair.Key, StringComparer.Ordinal)];

    /// <summary>The value at quantile <paramref name="q"/> of sorted <paramref name="sorted"/> (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : Percentiles.NearestRank(sorted, q);

    /// <summary>
    /// Each label's precision, recall and F1 (in <see cref="SafetyLabel"/> order) from a confusion matrix of rows by true
    /// label (first index) and predicted label (second).
    /// </summary>
    public static (double Precision, double Recall, double F1)[] PerLabel(IReadOnlyList<IReadOnlyList<int>> confusion) =>
        [.. Enumerable.Range(0, confusion.Count).Select(c =>
        {
            var precision = Ratio(confusion[c][c], confusion.Sum(row => row[c]));
            var recall = Ratio(confusion[c][c], confusion[c].Sum());
            return (precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        })];

    private static int Row(int[,] confusion, SafetyLabel label)
    {
        var sum = 0;
        for (var o = 0; o < SafetyLabels.Count; o++)
        {
            sum += confusion[(int)label, o];
        }
        return sum;
    }

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;
}
