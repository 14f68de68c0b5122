namespace SafeMcp.Contracts;

/// <summary>The cluster's answer to one <c>tools/call</c>; durable before it is returned.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Sequence">Per-session sequence number, contiguous from 1.</param>
/// <param name="Tool">The tool that was asked for.</param>
/// <param name="Verdict">allow, require_approval or deny.</param>
/// <param name="WithheldTools">Tools withheld from the session from now on (all of them, not only new ones).</param>
/// <param name="Reasons">Human-readable reasons, one a finding.</param>
/// <param name="Techniques">SAFE-MCP technique and mitigation ids the decision acted on.</param>
/// <param name="DecidedBy">Which layers decided (rules, world-model, registry, …).</param>
/// <param name="DecidedAt">When the decision was committed.</param>
public sealed record Decision(
    string SessionId,
    long Sequence,
    string Tool,
    Verdict Verdict,
    IReadOnlyList<string> WithheldTools,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Techniques,
    IReadOnlyList<string> DecidedBy,
    DateTimeOffset DecidedAt);
