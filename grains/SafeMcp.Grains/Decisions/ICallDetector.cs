namespace SafeMcp.Grains.Decisions;

/// <summary>One layer of the decision: reads a call in its session and adds findings.</summary>
public interface ICallDetector
{
    /// <summary>Inspects <paramref name="call"/> and appends what it finds to <paramref name="findings"/>.</summary>
    ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken);
}
