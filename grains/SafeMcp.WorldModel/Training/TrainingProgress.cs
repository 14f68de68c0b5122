namespace SafeMcp.WorldModel.Training;

/// <summary>Where training is, reported after every optimizer step.</summary>
/// <param name="Stage">1 dynamics, 2 supervised, 3 policy gradient.</param>
/// <param name="StageName">The stage's name.</param>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Epochs">Epochs of the stage.</param>
/// <param name="Batch">The batch within the epoch, from 1.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="MeanLoss">Mean loss (stage 3: negative mean reward) over the epoch so far.</param>
public sealed record TrainingProgress(int Stage, string StageName, int Epoch, int Epochs, int Batch, int Batches, double MeanLoss);
