namespace SafeMcp.WorldModel.Training;

/// <summary>
/// Records the loss curve of every stage run from training progress (each epoch's mean loss, as reported at its last
/// batch) and passes every report on to <paramref name="next"/> (a progress bar). A stage that starts again at epoch 1
/// (the networks of an ensemble train one after another) begins a new run.
/// </summary>
public sealed class TrainingCurves(IProgress<TrainingProgress>? next = null) : IProgress<TrainingProgress>
{
    private readonly List<StageCurve> _curves = [];

    /// <summary>The runs recorded so far, in the order they started.</summary>
    public IReadOnlyList<StageCurve> Curves => _curves;

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        next?.Report(value);
        if (value.Batch != value.Batches)
        {
            return;
        }
        var current = _curves.LastOrDefault(c => c.Stage == value.Stage);
        if (current is null || value.Epoch <= current.EpochLosses.Count || _curves[^1] != current)
        {
            current = new StageCurve(value.Stage, value.StageName, _curves.Count(c => c.Stage == value.Stage) + 1, []);
            _curves.Add(current);
        }
        current.EpochLosses.Add(value.MeanLoss);
    }
}
