using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Storage;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>
/// Drives recorded trajectories through the real decision path: a session grain (in-memory store) with the
/// given pipeline opens each trajectory's session, decides every recorded call in order and, when a call is
/// allowed, reports its recorded observation (the session's initial check runs as it opens). A denied call does not run, but the recording goes on, so every
/// later call is still judged.
/// </summary>
public sealed class PowerSeekingReplay(DecisionPipeline pipeline)
{
    /// <summary>
    /// Replays every trajectory. <paramref name="log"/>, when given, receives a line per trajectory (every call and its
    /// verdict) and under it, indented, a line for each call that was stopped (its reasons and technique ids, marked
    /// <c>pre-enabler</c> when it came before the power-seeking call) or that withheld tools as it ran.
    /// </summary>
    public async Task<ReplayReport> RunAsync(IReadOnlyList<PowerSeekingTrajectory> trajectories, TextWriter? log, CancellationToken cancellationToken)
    {
        var store = new InMemorySessionStore();
        var replayed = new List<ReplayedTrajectory>(trajectories.Count);
        foreach (var trajectory in trajectories)
        {
            var calls = new List<ReplayedCall>(trajectory.Calls.Count);
            IReadOnlyList<string> withheldAtOpen = [];
            if (trajectory.Calls.Count > 0)
            {
                var session = await RecordedSession.OpenAsync(store, pipeline, $"powerseeking-{trajectory.Number}", trajectory.Instruction, trajectory.Tools, cancellationToken).ConfigureAwait(false);
                withheldAtOpen = session.WithheldAtOpen;
                foreach (var call in trajectory.Calls)
                {
                    var (decision, newlyWithheld) = await session.CallAsync(call.Tool, call.ArgumentsJson, call.Observation, call.Thought, cancellationToken).ConfigureAwait(false);
                    var stopped = decision.Verdict != Verdict.Allow;
                    calls.Add(new ReplayedCall(call.Tool, decision.Verdict,
                        stopped ? decision.DecidedBy : [], stopped ? decision.Reasons : [], stopped ? decision.Techniques : [], newlyWithheld));
                }
            }
            var result = new ReplayedTrajectory(trajectory.Number, trajectory.PowerSeekingCall, trajectory.PowerSeekingFound, trajectory.RiskCall, trajectory.RiskFound, calls, withheldAtOpen);
            replayed.Add(result);
            foreach (var line in result.LogLines())
            {
                log?.WriteLine(line);
            }
        }
        return ReplayReport.Of(replayed);
    }
}
