using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Defenses.RateLimits;

/// <summary>
/// Repeated identical calls (SAFE-T1106 autonomous loop): when a session's recent history already holds
/// <see cref="RateLimitOptions.LoopThreshold"/> calls with the same tool and arguments, the next one needs a human.
/// </summary>
public sealed class LoopDetector(RateLimitOptions options) : ICallDetector
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "loop";

    /// <inheritdoc />
    public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
    {
        var recent = call.Session.RecentCalls;
        // Hash the arguments only when the tool itself was called often enough to make a loop possible.
        var sameTool = 0;
        foreach (var record in recent)
        {
            if (record.Tool == call.Tool.Name && record.Server == call.Tool.Server)
            {
                sameTool++;
            }
        }
        if (sameTool >= options.LoopThreshold)
        {
            var hash = CallHash.Of(call.Tool.Name, CallHash.ArgumentsJson(call.Request));
            var repeats = 0;
            foreach (var record in recent)
            {
                if (record.ArgumentsHash == hash && record.Server == call.Tool.Server)
                {
                    repeats++;
                }
            }
            if (repeats >= options.LoopThreshold)
            {
                findings.Add(new Finding(Layer, Verdict.RequireApproval,
                    $"Loop: '{call.Tool.Name}' was already called {repeats} times with the same arguments in this session.",
                    [Techniques.AutonomousLoop, Techniques.BehavioralMonitoring]));
            }
        }
        return ValueTask.CompletedTask;
    }
}
