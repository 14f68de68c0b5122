using System.Diagnostics;
using System.Diagnostics.Metrics;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.Diagnostics;

/// <summary>
/// The silo's <see cref="Meter"/> and <see cref="ActivitySource"/>, and the instruments it records on. Tags carry no
/// tenant, session, tool or argument: the scrape at <c>/metrics</c> is per silo and safe to show without a key.
/// </summary>
public static class SiloDiagnostics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "SafeMcp.Silo";

    private static readonly string s_version = typeof(SiloDiagnostics).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>The silo's meter.</summary>
    public static Meter Meter { get; } = new(Name, s_version);

    /// <summary>The silo's activity source (spans of a decision and of a group commit).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, s_version);

    private static readonly Counter<long> s_decisions = Meter.CreateCounter<long>(
        "safemcp.decisions", "{decision}", "Decisions answered, by verdict.");

    private static readonly Counter<long> s_decisionsByLayer = Meter.CreateCounter<long>(
        "safemcp.decisions.by_layer", "{decision}", "Decisions by verdict and by each layer that took part in them (a decision with two layers counts once for each).");

    private static readonly Histogram<double> s_decisionDuration = Meter.CreateHistogram<double>(
        "safemcp.decision.duration", "s", "Time from a decide request's body read to its durable answer, on the silo that owns the session.");

    private static readonly Histogram<double> s_commitWait = Meter.CreateHistogram<double>(
        "safemcp.commit.wait", "s", "Time a write waited from its hand-over to the group commit until its batch was durable.");

    private static readonly Histogram<long> s_batchSize = Meter.CreateHistogram<long>(
        "safemcp.commit.batch_size", "{write}", "Writes in one group-commit transaction.");

    private static readonly Histogram<double> s_inferenceDuration = Meter.CreateHistogram<double>(
        "safemcp.inference.duration", "s", "Time of one world-model forward pass (a batch of checks).");

    private static readonly Histogram<long> s_inferenceBatchSize = Meter.CreateHistogram<long>(
        "safemcp.inference.batch_size", "{check}", "World-model checks in one forward pass.");

    private static readonly Counter<long> s_rateLimitRefusals = Meter.CreateCounter<long>(
        "safemcp.rate_limit.refusals", "{call}", "Calls refused by a rate limit, by the limit that refused (session, tool, tenant).");

    /// <summary>Records a decision answered after <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void RecordDecision(Decision decision, long startedAt)
    {
        var verdict = VerdictTag(decision.Verdict);
        s_decisions.Add(1, new KeyValuePair<string, object?>("verdict", verdict));
        foreach (var layer in decision.DecidedBy)
        {
            s_decisionsByLayer.Add(1, new KeyValuePair<string, object?>("verdict", verdict), new KeyValuePair<string, object?>("layer", layer));
        }
        if (decision.DecidedBy.Count == 0)
        {
            s_decisionsByLayer.Add(1, new KeyValuePair<string, object?>("verdict", verdict), new KeyValuePair<string, object?>("layer", "none"));
        }
        s_decisionDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
    }

    /// <summary>Records a write's wait for its group commit, handed over at <paramref name="handedOver"/>.</summary>
    public static void RecordCommitWait(long handedOver) => s_commitWait.Record(Stopwatch.GetElapsedTime(handedOver).TotalSeconds);

    /// <summary>Records the size of a group-commit batch.</summary>
    public static void RecordBatch(int writes) => s_batchSize.Record(writes);

    /// <summary>Records one forward pass of <paramref name="checks"/> checks begun at <paramref name="startedAt"/>.</summary>
    public static void RecordInference(int checks, long startedAt)
    {
        s_inferenceDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
        s_inferenceBatchSize.Record(checks);
    }

    /// <summary>Records a call refused by the <paramref name="limit"/> rate limit.</summary>
    public static void RecordRateLimitRefusal(string limit) => s_rateLimitRefusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    private static string VerdictTag(Verdict verdict) => verdict switch
    {
        Verdict.Allow => "allow",
        Verdict.Deny => "deny",
        Verdict.RequireApproval => "require_approval",
        _ => "other",
    };
}
