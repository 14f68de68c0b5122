using Google.Protobuf;
using Onnx;
using SafeMcp.Cli.Transformer;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Cli.Tests;

/// <summary>The tier-2 heads learn what their vectors say, and the graph they are written into is a servable contract model.</summary>
public sealed class TransformerTrainingTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("safemcp-tier2-");

    [Fact]
    public void Heads_trained_on_separable_vectors_predict_their_labels_and_tools()
    {
        var random = new Random(7);
        var x = new float[90][];
        var labels = new int[90];
        var filtered = new bool[90][];
        for (var i = 0; i < x.Length; i++)
        {
            labels[i] = i % 3;
            x[i] = [.. Enumerable.Range(0, 6).Select(j => (j == labels[i] ? 3f : 0f) + 10f + (float)random.NextDouble())];
            filtered[i] = [labels[i] == 2, false];
        }

        var heads = new HeadTrainer(200, 0.05f, 1e-4f, 1f).Train(x, labels, filtered, 2, (_, _, _) => { });

        var correct = 0;
        var toolCorrect = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var logits = Enumerable.Range(0, 3).Select(c => heads.LabelBias[c] + Enumerable.Range(0, 6).Sum(j => x[i][j] * heads.Label[j * 3 + c])).ToArray();
            correct += Array.IndexOf(logits, logits.Max()) == labels[i] ? 1 : 0;
            var tool = heads.ToolBias[0] + Enumerable.Range(0, 6).Sum(j => x[i][j] * heads.Tool[j * 2]);
            toolCorrect += (tool > 0) == filtered[i][0] ? 1 : 0;
        }
        Assert.Equal(x.Length, correct);
        Assert.Equal(x.Length, toolCorrect);
    }

    [Fact]
    public void Graph_over_an_encoder_pools_by_the_mask_and_is_served_as_a_contract_model()
    {
        var path = Path.Combine(_directory.FullName, "model.onnx");
        File.WriteAllLines(Path.Combine(_directory.FullName, OnnxWorldModel.VocabularyFile), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "task", "action"]);
        // Label logits (p0, -p0, 0) for pooled (p0, p1): safe whenever the mean token id is positive; the first tool filtered.
        var heads = new TransformerHeads(2, 4, [1, -1, 0, 0, 0, 0], [0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [5, -5, -5, -5]);

        TransformerGraph.Write(Encoder(), heads, 32, 0.5f, path);
        using var model = OnnxWorldModel.Load(path, new OnnxModelOptions { PreferCuda = false });
        var input = new WorldModelInput("task", [new ToolInfo("A"), new ToolInfo("B")], [], new TrajectoryStep("B", "action"));
        var pooled = model.Output([input, input with { Instruction = "task task task task" }], TransformerGraph.Pooled);
        var outcome = model.Check([input])[0];

        Assert.Equal(2, pooled[0].Length);
        Assert.True(pooled[0][0] > 0, "the mean token id is positive");
        Assert.Equal(0f, pooled[0][1], 5);
        Assert.NotEqual(pooled[0][0], pooled[1][0]);
        Assert.Equal(SafetyLabel.Safe, outcome.Prediction.Label);
        Assert.True(outcome.Prediction.ToolProbabilities[0] > 0.99f);
        Assert.True(outcome.Prediction.ToolProbabilities[1] < 0.01f);
    }

    /// <summary>A stand-in encoder: each token's vector is (its id, 0), as <c>last_hidden_state</c> [batch, seq, 2].</summary>
    private static ModelProto Encoder()
    {
        var graph = new GraphProto { Name = "encoder" };
        foreach (var name in new[] { OnnxContract.InputIds, OnnxContract.AttentionMask, OnnxContract.TokenTypeIds })
        {
            graph.Input.Add(Value(name, TensorProto.Types.DataType.Int64, "batch", "seq"));
        }
        graph.Output.Add(Value(TransformerGraph.Hidden, TensorProto.Types.DataType.Float, "batch", "seq", 2));
        var projection = new TensorProto { Name = "projection", DataType = (int)TensorProto.Types.DataType.Float };
        projection.Dims.AddRange([1, 2]);
        projection.FloatData.AddRange([1, 0]);
        graph.Initializer.Add(projection);
        var axis = new TensorProto { Name = "axis", DataType = (int)TensorProto.Types.DataType.Int64 };
        axis.Dims.Add(1);
        axis.Int64Data.Add(2);
        graph.Initializer.Add(axis);
        var cast = new NodeProto { OpType = "Cast", Name = "ids_f" };
        cast.Input.Add(OnnxContract.InputIds);
        cast.Output.Add("ids_f");
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        graph.Node.Add(cast);
        graph.Node.Add(Node("Unsqueeze", ["ids_f", "axis"], "ids_3"));
        graph.Node.Add(Node("MatMul", ["ids_3", "projection"], TransformerGraph.Hidden));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is int size ? new TensorShapeProto.Types.Dimension { DimValue = size } : new TensorShapeProto.Types.Dimension { DimParam = (string)dim });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
