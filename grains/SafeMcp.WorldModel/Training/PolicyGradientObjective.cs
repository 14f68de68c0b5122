using System.Numerics.Tensors;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// Stage 3: REINFORCE with the two verifiable rewards. A label is sampled from the label head and earns the
/// safety reward; a tool set is sampled from the tool scores (each tool independently) and earns the tools
/// reward. Each reward minus its running mean (the baseline) scales the log-likelihood gradient of its sample.
/// A small supervised anchor keeps the policy near the labels.
/// </summary>
public sealed class PolicyGradientObjective(SupervisedObjective anchor, float anchorWeight) : ITrainingObjective
{
    private const double BaselineMomentum = 0.95;
    private double _safetyBaseline = 0.5;
    private double _toolsBaseline = 0.5;

    /// <summary>Mean safety reward of the samples seen so far in the current epoch.</summary>
    public RunningMean SafetyReward { get; } = new();

    /// <summary>Mean tools reward of the samples seen so far in the current epoch.</summary>
    public RunningMean ToolsReward { get; } = new();

    /// <inheritdoc />
    public double Fill(ForwardTrace trace, IReadOnlyList<TrainingExample> batch, OutputGradients gradients, Random random)
    {
        var anchorGradients = new OutputGradients(trace.Examples, trace.Tools);
        anchor.Fill(trace, batch, anchorGradients, random);
        var scale = 1f / batch.Count;
        double loss = 0;
        Span<float> probabilities = stackalloc float[SafetyLabels.Count];
        for (var e = 0; e < batch.Count; e++)
        {
            var example = batch[e];
            var label = example.Label ?? throw new InvalidOperationException("Stage 3 needs labelled examples.");
            TensorPrimitives.SoftMax(trace.LabelLogits.AsSpan(e * SafetyLabels.Count, SafetyLabels.Count), probabilities);
            var sampled = Sample(probabilities, random);
            var safety = VerifiableRewards.Safety((SafetyLabel)sampled, label);
            var safetyAdvantage = (float)(safety - _safetyBaseline);
            for (var c = 0; c < SafetyLabels.Count; c++)
            {
                // ∂(−A·log p(a))/∂logit_c = −A·(1[c=a] − p_c)
                gradients.Label[e * SafetyLabels.Count + c] -= scale * safetyAdvantage * ((c == sampled ? 1f : 0f) - probabilities[c]);
            }

            int missed = 0, extra = 0;
            var first = trace.ToolFirst[e];
            var chosen = new bool[example.ToolTargets.Length];
            for (var t = 0; t < chosen.Length; t++)
            {
                var probability = 1f / (1f + MathF.Exp(-trace.ToolLogits[first + t]));
                chosen[t] = random.NextSingle() < probability;
                var wanted = example.ToolTargets[t] > 0;
                missed += wanted && !chosen[t] ? 1 : 0;
                extra += !wanted && chosen[t] ? 1 : 0;
            }
            var tools = VerifiableRewards.Tools(missed, extra);
            var toolsAdvantage = (float)(tools - _toolsBaseline);
            for (var t = 0; t < chosen.Length; t++)
            {
                var probability = 1f / (1f + MathF.Exp(-trace.ToolLogits[first + t]));
                gradients.Tools[first + t] -= scale * toolsAdvantage * ((chosen[t] ? 1f : 0f) - probability);
            }

            SafetyReward.Add(safety);
            ToolsReward.Add(tools);
            _safetyBaseline = BaselineMomentum * _safetyBaseline + (1 - BaselineMomentum) * safety;
            _toolsBaseline = BaselineMomentum * _toolsBaseline + (1 - BaselineMomentum) * tools;
            loss -= safety + tools;
        }
        Accumulate(gradients.Label, anchorGradients.Label);
        Accumulate(gradients.NextState, anchorGradients.NextState);
        Accumulate(gradients.Tools, anchorGradients.Tools);
        return loss;
    }

    private void Accumulate(float[] target, float[] anchorGradient) =>
        TensorPrimitives.MultiplyAdd(anchorGradient, anchorWeight, target, target);

    private static int Sample(ReadOnlySpan<float> probabilities, Random random)
    {
        var u = random.NextSingle();
        for (var c = 0; c < probabilities.Length - 1; c++)
        {
            u -= probabilities[c];
            if (u < 0)
            {
                return c;
            }
        }
        return probabilities.Length - 1;
    }
}
