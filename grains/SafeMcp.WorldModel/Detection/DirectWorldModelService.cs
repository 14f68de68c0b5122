using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Inference;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Detection;

/// <summary>Checks in the caller's thread, one at a time: for replay, evaluation and tests (a silo batches instead).</summary>
public sealed class DirectWorldModelService(IWorldModel model) : IWorldModelService
{
    /// <inheritdoc />
    public ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken) =>
        ValueTask.FromResult(model.Check([input])[0]);
}
