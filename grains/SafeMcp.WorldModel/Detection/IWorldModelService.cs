using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Detection;

/// <summary>Where session grains send checks: a silo's batching inference service, or an in-process predictor.</summary>
public interface IWorldModelService
{
    /// <summary>Checks one call; throws <see cref="WorldModelUnavailableException"/> when it cannot answer in time.</summary>
    ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken);
}
