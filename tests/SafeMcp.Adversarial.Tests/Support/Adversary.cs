using SafeMcp.Contracts;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.Arguments;
using SafeMcp.Grains.Defenses.RateLimits;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Adversarial.Tests.Support;

/// <summary>A session with the silo's call detectors (rules, argument and schema checks, loop detection) over a recording store.</summary>
internal sealed class Adversary
{
    public RecordingStore Store { get; } = new();

    public DecisionPipeline Pipeline { get; } = Sessions.Pipeline(detectors: [new ArgumentDetector(), new LoopDetector(new RateLimitOptions())]);

    public async Task<SessionGrain> OpenAsync(string? instruction, params ToolDescriptor[] tools)
    {
        var grain = await Sessions.GrainAsync(Pipeline, store: Store);
        await grain.OpenAsync(new OpenSessionRequest("s1", instruction, tools), CancellationToken.None);
        return grain;
    }

    public static Task<Decision> CallAsync(SessionGrain grain, string tool, string argumentsJson) =>
        grain.DecideAsync(Sessions.Call(tool, argumentsJson), CancellationToken.None);
}
