namespace SafeMcp.LoadTest;

/// <summary>One second of a load run: decisions acknowledged, errors, and latency percentiles in that second (ms; NaN when none).</summary>
internal sealed record TimelinePoint(int Second, long Decisions, long Errors, double P50Ms, double P99Ms, double MaxMs);
