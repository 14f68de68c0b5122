using System.Threading.RateLimiting;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.RateLimits;
using SafeMcp.Silo.Diagnostics;

namespace SafeMcp.Silo.Defenses;

/// <summary>
/// Rate limits per tenant, per session and per tool of a tenant (token buckets of System.Threading.RateLimiting,
/// partitioned by key, refilled by one timer, idle partitions dropped). A call over a limit is denied (SAFE-T1106:
/// a runaway agent loop is stopped before it exhausts the tools it drives).
/// </summary>
internal sealed class RateLimitDetector : ICallDetector, IDisposable
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "rate-limit";

    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<CallContext> _tenant;
    private readonly PartitionedRateLimiter<CallContext> _session;
    private readonly PartitionedRateLimiter<CallContext> _tool;

    public RateLimitDetector(RateLimitOptions options)
    {
        // The limiters' factories are made once: a partition built per call with a lambda over the options allocated two
        // delegates a check, three checks a decision.
        Func<string, RateLimiter> tenantLimiter = _ => new TokenBucketRateLimiter(Bucket(options.TenantPerSecond, options.TenantBurst));
        Func<(string, string), RateLimiter> sessionLimiter = _ => new TokenBucketRateLimiter(Bucket(options.SessionPerSecond, options.SessionBurst));
        Func<(string, string), RateLimiter> toolLimiter = _ => new TokenBucketRateLimiter(Bucket(options.ToolPerSecond, options.ToolBurst));
        _tenant = PartitionedRateLimiter.Create<CallContext, string>(call => RateLimitPartition.Get(call.Session.TenantId, tenantLimiter));
        _session = PartitionedRateLimiter.Create<CallContext, (string, string)>(call =>
            RateLimitPartition.Get((call.Session.TenantId, call.Session.SessionId), sessionLimiter));
        _tool = PartitionedRateLimiter.Create<CallContext, (string, string)>(call =>
            RateLimitPartition.Get((call.Session.TenantId, call.Tool.Name), toolLimiter));
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perSecond),
        ReplenishmentPeriod = s_period,
        QueueLimit = 0,
        // The partitioned limiter's own timer refills every partition; no timer per bucket.
        AutoReplenishment = false,
    };

    /// <inheritdoc />
    public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
    {
        var over = !Acquire(_session, call) ? "session" : !Acquire(_tool, call) ? "tool" : !Acquire(_tenant, call) ? "tenant" : null;
        if (over is not null)
        {
            SiloDiagnostics.RecordRateLimitRefusal(over);
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Rate limit: the {over} asks for decisions faster than its limit allows; '{call.Tool.Name}' is refused for now.",
                [Techniques.AutonomousLoop, Techniques.BehavioralMonitoring]));
        }
        return ValueTask.CompletedTask;
    }

    private static bool Acquire(PartitionedRateLimiter<CallContext> limiter, CallContext call)
    {
        using var lease = limiter.AttemptAcquire(call);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _tenant.Dispose();
        _session.Dispose();
        _tool.Dispose();
    }
}
