using SafeMcp.Reports;
using SafeMcp.WorldModel.Training;

namespace SafeMcp.Cli.Commands;

/// <summary>The page <c>safemcp train --html</c> writes: the run's figures and a loss-per-epoch chart for each stage.</summary>
internal static class TrainingReport
{
    private static readonly string[] s_colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    public static string Render(IEnumerable<(string Name, string Value)> figures, TrainingResult result, TrainingCurves curves)
    {
        var page = new ReportPage("SafeMCP world model training").Figures(figures);
        page.Heading("Stages").Figures(result.Summary.Select((line, i) => ($"{i + 1}", line)));
        if (result.CrossValidation is { } crossValidation)
        {
            page.Heading($"Cross-validation on the training rows (mean of {crossValidation.Folds} folds)")
                .Figures(crossValidation.FoldMean.Lines().Where(l => !l.StartsWith("latency", StringComparison.Ordinal)).Select(l => ("", l)));
        }
        foreach (var stage in curves.Curves.GroupBy(c => c.Stage).OrderBy(g => g.Key))
        {
            var runs = stage.ToList();
            var measure = stage.Key == 3 ? "negative mean reward" : "mean loss";
            page.Heading($"Stage {stage.Key}, {runs[0].StageName}: {measure} per epoch");
            page.Chart(
                [.. runs.Select((run, i) => new ChartSeries(
                    runs.Count == 1 ? run.StageName : $"network {run.Run}",
                    s_colors[i % s_colors.Length],
                    [.. run.EpochLosses.Select((loss, epoch) => new ChartPoint(epoch + 1, loss))]))],
                $"epoch {runs.Max(r => r.EpochLosses.Count)}", fromZero: false);
        }
        return page.Render();
    }
}
