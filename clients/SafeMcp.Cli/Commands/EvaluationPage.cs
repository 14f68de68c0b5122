using System.Globalization;
using SafeMcp.Reports;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// The page <c>safemcp eval --html</c> writes: the figures, the confusion matrix of the labels with each label's
/// precision, recall and F1, and the latency of a check at every percentile.
/// </summary>
internal static class EvaluationPage
{
    public static string Render(string data, string model, EvaluationReport report, IReadOnlyList<double> latenciesMicroseconds,
        IReadOnlyList<(string Layer, int Rows)>? falseInterventionsBy = null)
    {
        var labels = Enumerable.Range(0, SafetyLabels.Count).Select(l => SafetyLabels.Name((SafetyLabel)l)).ToArray();
        var page = new ReportPage("SafeMCP world model evaluation")
            .Figures([("data", data), ("model", model), .. report.Lines().Select(line => ("", line))]);
        if (report.Confusion is { } confusion)
        {
            page.Heading("Labels: rows by true label (row) and predicted label (column)")
                .Table(["true \\ predicted", .. labels, "rows"],
                    labels.Select((label, t) => (IReadOnlyList<string>)[label, .. confusion[t].Select(n => $"{n}"), $"{confusion[t].Sum()}"]));
            page.Heading("Each label")
                .Table(["label", "precision", "recall", "F1"], Evaluator.PerLabel(confusion).Select((scores, c) =>
                    (IReadOnlyList<string>)[labels[c], Format(scores.Precision), Format(scores.Recall), Format(scores.F1)]));
        }
        if (falseInterventionsBy is { Count: > 0 })
        {
            page.Heading("False interventions: safe rows the decision path stopped, by the layer that decided (filter: a tool withheld earlier in the session)")
                .Table(["layer", "safe rows"], falseInterventionsBy.Select(b => (IReadOnlyList<string>)[b.Layer, $"{b.Rows}"]));
        }
        var sorted = latenciesMicroseconds.Order().ToArray();
        page.Heading("Latency of one check (µs) by percentile")
            .Chart([new ChartSeries("latency", "#1f77b4", [.. sorted.Select((value, i) => new ChartPoint(100.0 * (i + 1) / sorted.Length, value))])], "100th percentile");
        return page.Render();
    }

    private static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
