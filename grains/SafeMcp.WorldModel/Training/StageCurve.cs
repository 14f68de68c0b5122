namespace SafeMcp.WorldModel.Training;

/// <summary>One run of a training stage: its mean loss after each epoch (stage 3: the negative mean reward).</summary>
/// <param name="Stage">1 dynamics, 2 supervised, 3 policy gradient.</param>
/// <param name="StageName">The stage's name.</param>
/// <param name="Run">The run of this stage, from 1 (more than one when an ensemble's networks train in turn).</param>
/// <param name="EpochLosses">The mean loss of epoch 1, 2, …</param>
public sealed record StageCurve(int Stage, string StageName, int Run, List<double> EpochLosses);
