using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Decisions;

/// <summary>Proactive tool filtering: names the tools a session may no longer see, given its state.</summary>
public interface IVisibilityRule
{
    /// <summary>Appends tools to withhold from <paramref name="session"/> to <paramref name="withheld"/>.</summary>
    void Apply(SessionState session, List<WithheldTool> withheld);
}
