using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.WorldModel.Tests;

/// <summary>A detector that withholds one tool as every session opens and finds nothing in calls.</summary>
internal sealed class WithholdAtOpen(string tool) : ICallDetector, IOpeningCheck
{
    public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask InspectOpeningAsync(SessionState session, List<WithheldTool> withheld, CancellationToken cancellationToken)
    {
        withheld.Add(new WithheldTool(tool, "withheld at open", []));
        return ValueTask.CompletedTask;
    }
}
