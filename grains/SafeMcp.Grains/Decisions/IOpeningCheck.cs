using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Decisions;

/// <summary>
/// Proactive filtering before any call: names the tools a session should not see from the start, given its task, its
/// tools and what it has done so far. Asked when a session opens and whenever its task or tools change; what it names is
/// withheld for the rest of the session. A detector that implements it takes part by being in the pipeline.
/// </summary>
public interface IOpeningCheck
{
    /// <summary>Appends tools to withhold from <paramref name="session"/> to <paramref name="withheld"/>.</summary>
    ValueTask InspectOpeningAsync(SessionState session, List<WithheldTool> withheld, CancellationToken cancellationToken);
}
