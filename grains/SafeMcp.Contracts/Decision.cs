namespace SafeMcp.Contracts;

/// <summary>The cluster's answer to one <c>tools/call</c>; durable before it is returned.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Sequence">Per-session sequence number, contiguous from 1, across all the session's servers.</param>
/// <param name="Tool">The tool that was asked for (its plain name).</param>
/// <param name="Verdict">allow, require_approval or deny.</param>
/// <param name="WithheldTools">
/// Tools withheld from the session from now on (all of them, not only new ones), sorted; a name two servers of the
/// session share is written <c>server/tool</c>, as in <see cref="SessionView.VisibleTools"/>.
/// </param>
/// <param name="Reasons">Human-readable reasons, one a finding.</param>
/// <param name="Techniques">SAFE-MCP technique and mitigation ids the decision acted on.</param>
/// <param name="DecidedBy">Which layers decided (rules, world-model, registry, …).</param>
/// <param name="DecidedAt">When the decision was committed.</param>
/// <param name="Server">The MCP server of the call (<c>default</c> for sessions and rows that never named one).</param>
public sealed record Decision(
    string SessionId,
    long Sequence,
    string Tool,
    Verdict Verdict,
    IReadOnlyList<string> WithheldTools,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Techniques,
    IReadOnlyList<string> DecidedBy,
    DateTimeOffset DecidedAt,
    string? Server = null);
