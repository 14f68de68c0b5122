using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Decisions;

/// <summary>What one detector concluded about one call.</summary>
/// <param name="DecidedBy">The layer that found it: <c>rules</c>, <c>world-model</c>, <c>registry</c>, …</param>
/// <param name="Verdict">The least the call deserves according to this finding.</param>
/// <param name="Reason">A sentence for the human reading the decision.</param>
/// <param name="Techniques">SAFE-MCP ids the finding acts on.</param>
/// <param name="WithholdTools">Tools to withhold for the rest of the session.</param>
/// <param name="AddTaint">Taint the session takes in if the call runs.</param>
public sealed record Finding(
    string DecidedBy,
    Verdict Verdict,
    string Reason,
    IReadOnlyList<string> Techniques,
    IReadOnlyList<string>? WithholdTools = null,
    Taint AddTaint = Taint.None);
