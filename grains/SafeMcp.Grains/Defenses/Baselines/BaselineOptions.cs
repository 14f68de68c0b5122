namespace SafeMcp.Grains.Defenses.Baselines;

/// <summary>Tunables of behaviour baselines.</summary>
public sealed class BaselineOptions
{
    /// <summary>The window call rates are counted in. Default 1 minute.</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Completed windows a tool needs before its rate is judged. Default 5.</summary>
    public int MinWindows { get; set; } = 5;

    /// <summary>Calls in a window below which no rate is flagged, whatever the baseline. Default 30.</summary>
    public int MinCallsFlagged { get; set; } = 30;

    /// <summary>Results a tool needs before its result size is judged. Default 20.</summary>
    public int MinSamples { get; set; } = 20;

    /// <summary>Result size in bytes below which no result is flagged. Default 64 KiB.</summary>
    public long MinBytesFlagged { get; set; } = 64 * 1024;

    /// <summary>Standard deviations above the mean that count as a deviation. Default 4.</summary>
    public double Deviations { get; set; } = 4;

    /// <summary>Weight of the newest window in the rate's moving mean and variance. Default 0.2.</summary>
    public double RateSmoothing { get; set; } = 0.2;
}
