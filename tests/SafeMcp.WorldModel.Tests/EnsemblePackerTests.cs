using SafeMcp.WorldModel.Kernels;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Training;

namespace SafeMcp.WorldModel.Tests;

public sealed class EnsemblePackerTests
{
    private static readonly ModelShape Full = new(256, 8, 12, 6);

    [Fact]
    public void Packed_logits_are_the_mean_of_the_members_logits()
    {
        var part = EnsemblePacker.MemberShape(Full, 2);
        var members = new[] { WorldModelWeights.Initialize(part, 3), WorldModelWeights.Initialize(part, 4) };
        // Nonzero biases, so that their means are checked too.
        foreach (var (member, k) in members.Select((m, k) => (m, k)))
        {
            var random = new Random(10 + k);
            foreach (var range in new[] { member.Layout.HiddenBias, member.Layout.LabelBias, member.Layout.NextStateBias, member.Layout.ToolBias, member.Layout.ToolScoreBias })
            {
                foreach (ref var value in member.Parameters.AsSpan()[range])
                {
                    value = random.NextSingle() - 0.5f;
                }
            }
        }
        var encoded = TestModels.Rows().Select(r => TestModels.Extractor(Full).Encode(r.Input)).ToArray();

        var packed = new WorldModelNetwork(EnsemblePacker.Pack(Full, members), CpuBackend.Instance).Forward(encoded);
        var traces = members.Select(m => new WorldModelNetwork(m, CpuBackend.Instance).Forward(encoded)).ToArray();

        AssertMean(packed.LabelLogits, traces[0].LabelLogits, traces[1].LabelLogits);
        AssertMean(packed.NextStateLogits, traces[0].NextStateLogits, traces[1].NextStateLogits);
        AssertMean(packed.ToolLogits, traces[0].ToolLogits, traces[1].ToolLogits);
    }

    [Fact]
    public void Members_have_a_kth_of_each_width_and_widths_must_divide()
    {
        Assert.Equal(new ModelShape(256, 4, 6, 3), EnsemblePacker.MemberShape(Full, 2));
        Assert.Throws<ArgumentException>(() => EnsemblePacker.MemberShape(Full, 3));
        Assert.Throws<ArgumentException>(() => EnsemblePacker.Pack(Full, [WorldModelWeights.Initialize(Full, 1), WorldModelWeights.Initialize(Full, 2)]));
    }

    [Fact]
    public void An_ensemble_trains_to_the_full_shape_reproducibly()
    {
        var options = new TrainingOptions { Shape = Full, DynamicsEpochs = 1, SupervisedEpochs = 2, PolicyEpochs = 1, BatchSize = 4, CalibrationFolds = 0, EnsembleMembers = 2 };
        var rows = TestModels.Rows();

        var first = new Trainer(options, TestModels.Extractor(Full)).Train(rows).Weights;
        var second = new Trainer(options, TestModels.Extractor(Full)).Train(rows).Weights;

        Assert.Equal(Full, first.Shape);
        Assert.Equal(first.Parameters, second.Parameters);
        // Blocks between members stay zero: member 2's hidden units read none of member 1's embedding columns.
        var hidden = first.Parameters[first.Layout.HiddenWeights];
        Assert.All(Enumerable.Range(6, 6).SelectMany(h => Enumerable.Range(0, 4).Select(d => hidden[h * 8 + d])), w => Assert.Equal(0f, w));
        Assert.Contains(hidden, w => w != 0);
    }

    private static void AssertMean(float[] packed, float[] a, float[] b)
    {
        Assert.NotEmpty(packed);
        for (var i = 0; i < packed.Length; i++)
        {
            Assert.Equal((a[i] + b[i]) / 2, packed[i], 4);
        }
    }
}
