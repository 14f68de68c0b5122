namespace SafeMcp.LoadTest;

/// <summary>
/// The figures of one load run (written as JSON and printed). <c>OfferedPerSecond</c> is the open-loop rate (null in a
/// closed loop); <c>WaitingAtEnd</c> the requests that were due but not yet sent when the run ended (a few are the
/// arrivals of the last milliseconds), <c>MostWaiting</c> the most of them seen at a progress line of the measured
/// window (see <see cref="FellBehind"/>). <c>GeneratorCpuMicrosecondsPerDecision</c> is the load generator's own processor
/// time in the measured window a measured decision (null when the run ended before the window opened).
/// </summary>
internal sealed record LoadResult(
    IReadOnlyList<string> Targets,
    int Sessions,
    int Concurrency,
    double MeasuredSeconds,
    long Decisions,
    long Errors,
    double DecisionsPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    long Allowed,
    long ApprovalRequired,
    long Denied,
    string? Scenario = null,
    IReadOnlyList<TimelinePoint>? Timeline = null,
    IReadOnlyList<SiloRuntimeDelta>? Silos = null,
    double? OfferedPerSecond = null,
    long? WaitingAtEnd = null,
    long? MostWaiting = null,
    double? GeneratorCpuMicrosecondsPerDecision = null)
{
    /// <summary>
    /// Open loop: more than a tenth of a second of arrivals was waiting, at the end or at a progress line of the measured
    /// window, so the silo did not keep up (even if it caught up later).
    /// </summary>
    public bool FellBehind => Math.Max(WaitingAtEnd ?? 0, MostWaiting ?? 0) > OfferedPerSecond / 10;

    /// <summary>The load generator's processor time a decision, as printed and shown in the report; null when not measured.</summary>
    public string? DescribeGenerator() => GeneratorCpuMicrosecondsPerDecision is { } cpu
        ? $"{cpu:0} µs of processor time per decision (this process, measured window; the silo could not use it)"
        : null;
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(LoadResult))]
internal sealed partial class LoadResultJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
