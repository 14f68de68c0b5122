using System.Collections.Concurrent;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Defenses.Baselines;

/// <summary>
/// Behaviour baselines per tenant and tool. A tool called far more often in a window than its learned rate needs a
/// human (SAFE-T1801 automated data harvesting); a result far larger than the tool's learned sizes withholds the tool
/// from that session (SAFE-T1803 database dump). Baselines live in memory (per silo) and start again at restart.
/// </summary>
public sealed class BaselineMonitor(BaselineOptions options, TimeProvider time) : ICallDetector, IOutcomeObserver
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "baseline";

    private readonly ConcurrentDictionary<(string Tenant, string Tool), ToolBaseline> _baselines = new();

    /// <inheritdoc />
    public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
    {
        var baseline = _baselines.GetOrAdd((call.Session.TenantId, call.Tool.Name), _ => new ToolBaseline());
        var (calls, limit, deviates) = baseline.CountCall(time.GetUtcNow(), options);
        if (deviates)
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Harvesting: '{call.Tool.Name}' was called {calls} times this window, above its baseline of {limit:F0}.",
                [Techniques.AutomatedDataHarvesting, Techniques.AnomalyDetection]));
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Observe(SessionState session, CallRecord? call, OutcomeReport report, DateTimeOffset now, List<WithheldTool> withhold)
    {
        if (call is not { Tool: var tool, Server: var server } || report.IsError)
        {
            return;
        }
        var baseline = _baselines.GetOrAdd((session.TenantId, tool), _ => new ToolBaseline());
        if (baseline.ObserveResult(report.ResultBytes, options))
        {
            withhold.Add(new WithheldTool(tool,
                $"[{Layer}] '{tool}' returned {report.ResultBytes} bytes, far above its baseline (database dump).",
                [Techniques.DatabaseDump, Techniques.AnomalyDetection], server));
        }
    }

    /// <summary>The baselines of a tenant, for the API.</summary>
    public IReadOnlyList<BaselineView> Of(string tenantId) =>
        _baselines.Where(b => b.Key.Tenant == tenantId).OrderBy(b => b.Key.Tool, StringComparer.Ordinal).Select(b =>
        {
            var s = b.Value.Snapshot();
            return new BaselineView(b.Key.Tool, s.Windows, s.RateMean, s.RateStdDev, s.Samples, s.TypicalBytes);
        }).ToArray();
}
