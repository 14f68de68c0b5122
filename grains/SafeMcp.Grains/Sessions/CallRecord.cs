using SafeMcp.Contracts;

namespace SafeMcp.Grains.Sessions;

/// <summary>One decided call in a session's recent history.</summary>
/// <param name="Sequence">The decision's sequence number.</param>
/// <param name="Tool">The tool called.</param>
/// <param name="Verdict">What was decided.</param>
/// <param name="Capabilities">The call's effective capabilities (wire names).</param>
/// <param name="ArgumentsHash">A short hash of the arguments, to spot repeated identical calls.</param>
/// <param name="At">When it was decided.</param>
/// <param name="Arguments">The start of the arguments (bounded by <see cref="SessionGrainOptions.TrajectoryExcerptChars"/>), for the world model's trajectory prefix.</param>
/// <param name="Observation">The start of the reported result, secrets redacted, same bound; null until reported.</param>
public sealed record CallRecord(long Sequence, string Tool, Verdict Verdict, IReadOnlyList<string> Capabilities, string ArgumentsHash, DateTimeOffset At,
    string? Arguments = null, string? Observation = null);
