using System.Numerics.Tensors;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// Cross-entropy on the label, weighted binary cross-entropy on each tool's filter score and on the next-state
/// features. Stage 1 uses only the next-state term (environmental dynamics); stage 2 all three. The label term of a
/// row can be weighted by its true label (<paramref name="classWeights"/>, indexed by <see cref="SafetyLabel"/>); every
/// term of an example is scaled by its <see cref="TrainingExample.Weight"/>.
/// </summary>
public sealed class SupervisedObjective(float labelWeight, float toolWeight, float nextStateWeight, float toolPositiveWeight, float[]? classWeights = null)
    : ITrainingObjective
{
    /// <inheritdoc />
    public double Fill(ForwardTrace trace, IReadOnlyList<TrainingExample> batch, OutputGradients gradients, Random random)
    {
        var scale = 1f / batch.Count;
        double loss = 0;
        Span<float> probabilities = stackalloc float[SafetyLabels.Count];
        for (var e = 0; e < batch.Count; e++)
        {
            var example = batch[e];
            if (example.Label is { } label && labelWeight > 0)
            {
                var weight = example.Weight * labelWeight * (classWeights?[(int)label] ?? 1f);
                TensorPrimitives.SoftMax(trace.LabelLogits.AsSpan(e * SafetyLabels.Count, SafetyLabels.Count), probabilities);
                loss -= weight * Math.Log(Math.Max(probabilities[(int)label], 1e-7f));
                for (var c = 0; c < SafetyLabels.Count; c++)
                {
                    gradients.Label[e * SafetyLabels.Count + c] += scale * weight * (probabilities[c] - (c == (int)label ? 1f : 0f));
                }
            }
            if (nextStateWeight > 0)
            {
                for (var k = 0; k < NextStateFeature.Count; k++)
                {
                    loss += example.Weight * nextStateWeight * Binary(trace.NextStateLogits[e * NextStateFeature.Count + k], example.NextState[k], 1f,
                        out var d);
                    gradients.NextState[e * NextStateFeature.Count + k] += scale * example.Weight * nextStateWeight * d;
                }
            }
            if (example.Label is not null && toolWeight > 0)
            {
                for (var t = 0; t < example.ToolTargets.Length; t++)
                {
                    var row = trace.ToolFirst[e] + t;
                    loss += example.Weight * toolWeight * Binary(trace.ToolLogits[row], example.ToolTargets[t], toolPositiveWeight, out var d);
                    gradients.Tools[row] += scale * example.Weight * toolWeight * d;
                }
            }
        }
        return loss;
    }

    /// <summary>Weighted binary cross-entropy of a logit; <paramref name="gradient"/> is its derivative.</summary>
    internal static double Binary(float logit, float target, float positiveWeight, out float gradient)
    {
        var probability = 1f / (1f + MathF.Exp(-logit));
        var weight = target > 0 ? positiveWeight : 1f;
        gradient = weight * (probability - target);
        return -weight * (target * Math.Log(Math.Max(probability, 1e-7f)) + (1 - target) * Math.Log(Math.Max(1 - probability, 1e-7f)));
    }
}
