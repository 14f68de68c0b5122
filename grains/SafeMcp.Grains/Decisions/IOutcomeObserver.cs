using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Decisions;

/// <summary>Reads a call's reported outcome (e.g. its result size) and may withhold tools for the rest of the session.</summary>
public interface IOutcomeObserver
{
    /// <summary>Observes <paramref name="report"/> of <paramref name="call"/> (null when it is no longer in the recent history).</summary>
    void Observe(SessionState session, CallRecord? call, OutcomeReport report, DateTimeOffset now, List<WithheldTool> withhold);
}
