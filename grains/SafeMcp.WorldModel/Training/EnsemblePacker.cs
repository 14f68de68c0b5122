using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// Packs k networks of one narrow shape into one network of the full shape, so that an averaged ensemble costs what a
/// single network costs and needs no file format of its own. Member m owns the m-th slice of every width (embedding
/// columns, hidden units, tool hidden units); its layers are the diagonal blocks of the packed ones, the blocks between
/// members are zero, and each head's weights and bias are divided by k, so every packed logit (label, next state,
/// tool) is the mean of the members' logits.
/// </summary>
public static class EnsemblePacker
{
    /// <summary>The shape of one of <paramref name="members"/> networks packed into <paramref name="shape"/>; throws when a width does not divide.</summary>
    public static ModelShape MemberShape(ModelShape shape, int members)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        if (shape.Dim % members != 0 || shape.Hidden % members != 0 || shape.ToolHidden % members != 0)
        {
            throw new ArgumentException($"{members} ensemble members do not divide the widths of {shape}.");
        }
        return shape with { Dim = shape.Dim / members, Hidden = shape.Hidden / members, ToolHidden = shape.ToolHidden / members };
    }

    /// <summary>The network of <paramref name="shape"/> whose outputs are the mean logits of <paramref name="members"/> (each of <see cref="MemberShape"/>).</summary>
    public static WorldModelWeights Pack(ModelShape shape, IReadOnlyList<WorldModelWeights> members)
    {
        var count = members.Count;
        var part = MemberShape(shape, count);
        if (members.Any(m => m.Shape != part))
        {
            throw new ArgumentException($"Every member must have the shape {part}.");
        }
        var packed = new WorldModelWeights(shape, new float[new ParameterLayout(shape).Count], members[0].ToolThreshold);
        var to = packed.Layout;
        var p = packed.Parameters;
        var mean = 1f / count;
        for (var m = 0; m < count; m++)
        {
            var from = members[m].Layout;
            var q = members[m].Parameters;
            // Offsets of member m's slice of each width.
            var d = m * part.Dim;
            var h = m * part.Hidden;
            var t = m * part.ToolHidden;
            Block(q, from.Embedding, part.Buckets, part.Dim, p, to.Embedding, shape.Dim, 0, d, 1f);
            Block(q, from.HiddenWeights, part.Hidden, part.Dim, p, to.HiddenWeights, shape.Dim, h, d, 1f);
            Block(q, from.HiddenBias, part.Hidden, 1, p, to.HiddenBias, 1, h, 0, 1f);
            Block(q, from.LabelWeights, SafetyLabels.Count, part.Hidden, p, to.LabelWeights, shape.Hidden, 0, h, mean);
            Block(q, from.LabelBias, SafetyLabels.Count, 1, p, to.LabelBias, 1, 0, 0, mean, accumulate: true);
            Block(q, from.NextStateWeights, NextStateFeature.Count, part.Hidden, p, to.NextStateWeights, shape.Hidden, 0, h, mean);
            Block(q, from.NextStateBias, NextStateFeature.Count, 1, p, to.NextStateBias, 1, 0, 0, mean, accumulate: true);
            Block(q, from.ToolContextWeights, part.ToolHidden, part.Hidden, p, to.ToolContextWeights, shape.Hidden, t, h, 1f);
            Block(q, from.ToolBias, part.ToolHidden, 1, p, to.ToolBias, 1, t, 0, 1f);
            Block(q, from.ToolEmbeddingWeights, part.ToolHidden, part.Dim, p, to.ToolEmbeddingWeights, shape.Dim, t, d, 1f);
            Block(q, from.ToolScoreWeights, 1, part.ToolHidden, p, to.ToolScoreWeights, shape.ToolHidden, 0, t, mean);
            Block(q, from.ToolScoreBias, 1, 1, p, to.ToolScoreBias, 1, 0, 0, mean, accumulate: true);
        }
        return packed;
    }

    /// <summary>
    /// Copies the row-major <paramref name="rows"/> × <paramref name="columns"/> tensor at <paramref name="source"/> into
    /// the tensor at <paramref name="target"/> (rows of <paramref name="targetColumns"/>) from row <paramref name="row"/>,
    /// column <paramref name="column"/>, each value times <paramref name="scale"/>; added to what is there when
    /// <paramref name="accumulate"/> (biases shared by every member), else written.
    /// </summary>
    private static void Block(float[] from, Range source, int rows, int columns, float[] to, Range target, int targetColumns, int row, int column,
        float scale, bool accumulate = false)
    {
        var s = from.AsSpan()[source];
        var t = to.AsSpan()[target];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var value = scale * s[r * columns + c];
                ref var cell = ref t[(row + r) * targetColumns + column + c];
                cell = accumulate ? cell + value : value;
            }
        }
    }
}
