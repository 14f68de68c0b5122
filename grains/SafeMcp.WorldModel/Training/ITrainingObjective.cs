using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>A stage's objective: from a forward pass, the loss and its gradients at the outputs.</summary>
public interface ITrainingObjective
{
    /// <summary>Fills <paramref name="gradients"/> (already averaged over the batch) and returns the batch's summed loss.</summary>
    double Fill(ForwardTrace trace, IReadOnlyList<TrainingExample> batch, OutputGradients gradients, Random random);
}
