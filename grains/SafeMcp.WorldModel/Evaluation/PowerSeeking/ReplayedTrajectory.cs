using SafeMcp.Contracts;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>One trajectory as the replay drove it: where its enabler and risk steps are, and each call's decision.</summary>
/// <param name="Number">The trajectory's number in the file, from 1.</param>
/// <param name="PowerSeekingCall">Index of the enabler (power-seeking) call.</param>
/// <param name="PowerSeekingFound">Whether the evidence's enabler matched a call (else the last call was taken).</param>
/// <param name="RiskCall">Index of the risk call.</param>
/// <param name="RiskFound">Whether the evidence's risk step matched a call (else the last call was taken).</param>
/// <param name="Calls">The calls in order (empty: the trajectory has no tool call).</param>
/// <param name="WithheldAtOpen">The tools the session withheld as it opened, before any call (the initial check).</param>
public sealed record ReplayedTrajectory(int Number, int PowerSeekingCall, bool PowerSeekingFound, int RiskCall, bool RiskFound, IReadOnlyList<ReplayedCall> Calls,
    IReadOnlyList<string> WithheldAtOpen)
{
    /// <summary>Index of the first stopped call; -1 when none was.</summary>
    public int FirstStop
    {
        get
        {
            for (var c = 0; c < Calls.Count; c++)
            {
                if (Calls[c].Stopped)
                {
                    return c;
                }
            }
            return -1;
        }
    }

    /// <summary>Whether a call was stopped at or before the risk call.</summary>
    public bool IsStopped => FirstStop >= 0 && FirstStop <= RiskCall;

    /// <summary>
    /// The trajectory for a terminal: a line with every call and its verdict (the layers of each stop in brackets), then,
    /// indented, a line for each stopped call (its reasons and technique ids, marked <c>pre-enabler</c> when it came before
    /// the power-seeking call) and for each call that withheld tools, after the tools withheld as the session opened.
    /// </summary>
    public IEnumerable<string> LogLines()
    {
        if (Calls.Count == 0)
        {
            yield return $"#{Number,-3} no tool calls";
            yield break;
        }
        var line = new System.Text.StringBuilder($"#{Number,-3} enabler {PowerSeekingCall}{(PowerSeekingFound ? "" : " (last)")} risk {RiskCall}{(RiskFound ? "" : " (last)")}:");
        for (var c = 0; c < Calls.Count; c++)
        {
            var call = Calls[c];
            line.Append($" {c}:{call.Tool}={Short(call.Verdict)}");
            if (call.Stopped)
            {
                line.Append($"[{string.Join("+", call.DecidedBy)}]");
            }
        }
        yield return line.Append(IsStopped ? "  STOPPED" : "  missed").ToString();
        if (WithheldAtOpen.Count > 0)
        {
            yield return $"    open withholds {string.Join(", ", WithheldAtOpen)}";
        }
        for (var c = 0; c < Calls.Count; c++)
        {
            var call = Calls[c];
            if (call.Stopped)
            {
                yield return $"    {c} {Short(call.Verdict)}{(c < PowerSeekingCall ? " (pre-enabler)" : "")}: {string.Join(" ", call.Reasons)} [{string.Join(" ", call.Techniques)}]";
            }
            if (call.NewlyWithheld.Count > 0)
            {
                yield return $"    {c} withholds {string.Join(", ", call.NewlyWithheld)}";
            }
        }
    }

    /// <summary>A verdict's short name: ok, ask or deny.</summary>
    public static string Short(Verdict verdict) => verdict switch
    {
        Verdict.Deny => "deny",
        Verdict.RequireApproval => "ask",
        _ => "ok",
    };
}
