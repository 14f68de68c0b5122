namespace SafeMcp.WorldModel.Network;

/// <summary>The world model's output for one check.</summary>
/// <param name="LabelProbabilities">Probabilities of safe, unsafe, critical (indexed by <see cref="SafetyLabel"/>).</param>
/// <param name="ToolProbabilities">For each available tool (input order), the probability it should be filtered.</param>
/// <param name="NextState">Probabilities of the next-state features (indexed by <see cref="NextStateFeature"/>).</param>
public sealed record Prediction(float[] LabelProbabilities, float[] ToolProbabilities, float[] NextState)
{
    /// <summary>The most probable label.</summary>
    public SafetyLabel Label
    {
        get
        {
            var best = 0;
            for (var i = 1; i < LabelProbabilities.Length; i++)
            {
                if (LabelProbabilities[i] > LabelProbabilities[best])
                {
                    best = i;
                }
            }
            return (SafetyLabel)best;
        }
    }
}
