using SafeMcp.WorldModel.Training;

namespace SafeMcp.Cli.Commands;

/// <summary>Renders training progress as one updating line a stage epoch.</summary>
internal sealed class ProgressBar(TextWriter output) : IProgress<TrainingProgress>
{
    private const int Width = 30;
    private readonly bool _interactive = !Console.IsOutputRedirected;

    public void Report(TrainingProgress value)
    {
        var last = value.Batch == value.Batches;
        if (!_interactive && !last)
        {
            return;
        }
        var filled = (int)Math.Round(Width * (double)value.Batch / value.Batches);
        var line = $"stage {value.Stage} {value.StageName,-16} epoch {value.Epoch,2}/{value.Epochs} [{new string('#', filled)}{new string('.', Width - filled)}] loss {value.MeanLoss:F4}";
        output.Write(_interactive ? "\r" + line : line);
        if (last)
        {
            output.WriteLine();
        }
    }
}
