using System.Diagnostics;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Storage;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Evaluation;

/// <summary>
/// Checks a row of the SafeMCP format with the whole decision path instead of the world model alone: a fresh session
/// (in-memory store) opens with the row's task and tools, the prefix's calls are decided and their results reported
/// (<see cref="RecordedSession"/>), then the current action is decided. Its decision becomes the row's prediction: a call
/// denied or sent for a human's approval is <c>unsafe</c> (filtering the called tool and any tool it withheld), a call
/// allowed that withheld tools is <c>critical</c> (filtering those), any other allowed call is <c>safe</c>. A row without
/// steps or a current call is the initial check: <c>critical</c> (filtering them) when the session withheld tools as it
/// opened, else <c>safe</c>; a final answer is <c>safe</c>. Reads only the instruction, the tools, the steps and the
/// current action.
/// </summary>
public sealed class DecisionPathCheck(DecisionPipeline pipeline)
{
    private readonly InMemorySessionStore _store = new();
    private int _sessions;

    /// <summary>What <see cref="DecisionPathCheck.CheckAsync"/> says of a row's initial check.</summary>
    public const string Opening = "opening";

    /// <summary>The prediction for <paramref name="input"/>, how long the current action's decision took and who made it.</summary>
    public async Task<PathPrediction> CheckAsync(WorldModelInput input, CancellationToken cancellationToken)
    {
        var session = await RecordedSession.OpenAsync(_store, pipeline, $"row-{Interlocked.Increment(ref _sessions)}", input.Instruction, Tools(input.Tools), cancellationToken).ConfigureAwait(false);
        foreach (var step in input.Prefix)
        {
            if (step.Action is { Length: > 0 } action)
            {
                await session.CallAsync(action, step.ArgumentsText, step.Observation, step.Thought, cancellationToken).ConfigureAwait(false);
            }
        }
        if (input.Current?.Action is not { Length: > 0 } current)
        {
            // No call to decide: the initial check (no steps yet) is what the session withheld as it opened; a final
            // answer after steps withholds nothing new.
            return input.Current is null && input.Prefix.Count == 0 && session.WithheldAtOpen.Count > 0
                ? new PathPrediction(SafetyLabel.Critical, session.WithheldAtOpen, 0, [Opening])
                : new PathPrediction(SafetyLabel.Safe, [], 0, []);
        }
        var started = Stopwatch.GetTimestamp();
        var (decision, newlyWithheld) = await session.CallAsync(current, input.Current.ArgumentsText, null, input.Current.Thought, cancellationToken).ConfigureAwait(false);
        var microseconds = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        return decision.Verdict != Verdict.Allow
            ? new PathPrediction(SafetyLabel.Unsafe, [current, .. newlyWithheld.Where(t => t != current)], microseconds, decision.DecidedBy)
            : newlyWithheld.Count > 0
                ? new PathPrediction(SafetyLabel.Critical, newlyWithheld, microseconds, decision.DecidedBy)
                : new PathPrediction(SafetyLabel.Safe, [], microseconds, []);
    }

    /// <summary>The row's tools as a session declares them: the first of each name, the schema when it is a JSON object.</summary>
    private static List<ToolDescriptor> Tools(IReadOnlyList<ToolInfo> tools)
    {
        var descriptors = new List<ToolDescriptor>();
        foreach (var tool in tools)
        {
            if (tool.Name.Length is 0 or > 256 || descriptors.Exists(d => d.Name == tool.Name))
            {
                continue;
            }
            descriptors.Add(tool.ToDescriptor());
        }
        return descriptors;
    }
}
