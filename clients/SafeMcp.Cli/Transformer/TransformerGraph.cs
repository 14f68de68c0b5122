using Google.Protobuf;
using Onnx;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Cli.Transformer;

/// <summary>
/// Writes one ONNX graph that follows the world model's contract: a sentence encoder (its <c>last_hidden_state</c>
/// [batch, seq, dim]), mean pooling over the attention mask, and the heads (<see cref="TransformerHeads"/>). The pooled
/// vector is an extra output (<see cref="Pooled"/>) that training reads; serving ignores it.
/// </summary>
internal static class TransformerGraph
{
    /// <summary>The encoder's output the heads read.</summary>
    public const string Hidden = "last_hidden_state";

    /// <summary>The extra output: the masked mean of the encoder's token vectors, [batch, dim].</summary>
    public const string Pooled = "safemcp_pooled";

    public static void Write(ModelProto encoder, TransformerHeads heads, int maxTokens, float toolThreshold, string path)
    {
        var graph = encoder.Graph;
        if (!graph.Output.Any(o => o.Name == Hidden))
        {
            throw new InvalidDataException($"The encoder has no output '{Hidden}'.");
        }
        graph.Output.Clear();
        graph.Initializer.Add(Floats("safemcp_label_w", [heads.Dim, 3], heads.Label));
        graph.Initializer.Add(Floats("safemcp_label_b", [3], heads.LabelBias));
        graph.Initializer.Add(Floats("safemcp_tool_w", [heads.Dim, heads.MaxTools], heads.Tool));
        graph.Initializer.Add(Floats("safemcp_tool_b", [heads.MaxTools], heads.ToolBias));
        graph.Initializer.Add(Floats("safemcp_eps", [], [1e-6f]));
        graph.Initializer.Add(Int64s("safemcp_axis2", [1], [2]));
        graph.Initializer.Add(Int64s("safemcp_axis1", [1], [1]));

        var cast = Node("Cast", [OnnxContract.AttentionMask], ["safemcp_mask_f"]);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        graph.Node.Add(cast);
        graph.Node.Add(Node("Unsqueeze", ["safemcp_mask_f", "safemcp_axis2"], ["safemcp_mask_3"]));
        graph.Node.Add(Node("Mul", [Hidden, "safemcp_mask_3"], ["safemcp_masked"]));
        graph.Node.Add(Reduce("safemcp_masked", "safemcp_sum"));
        graph.Node.Add(Reduce("safemcp_mask_3", "safemcp_count"));
        graph.Node.Add(Node("Max", ["safemcp_count", "safemcp_eps"], ["safemcp_count_c"]));
        graph.Node.Add(Node("Div", ["safemcp_sum", "safemcp_count_c"], [Pooled]));
        graph.Node.Add(Node("MatMul", [Pooled, "safemcp_label_w"], ["safemcp_label_mm"]));
        graph.Node.Add(Node("Add", ["safemcp_label_mm", "safemcp_label_b"], [OnnxContract.LabelLogits]));
        graph.Node.Add(Node("MatMul", [Pooled, "safemcp_tool_w"], ["safemcp_tool_mm"]));
        graph.Node.Add(Node("Add", ["safemcp_tool_mm", "safemcp_tool_b"], [OnnxContract.ToolLogits]));

        graph.Output.Add(Output(OnnxContract.LabelLogits, 3));
        graph.Output.Add(Output(OnnxContract.ToolLogits, heads.MaxTools));
        graph.Output.Add(Output(Pooled, heads.Dim));
        encoder.MetadataProps.Clear();
        encoder.MetadataProps.Add(new StringStringEntryProto { Key = OnnxWorldModel.MaxTokensKey, Value = maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        encoder.MetadataProps.Add(new StringStringEntryProto { Key = OnnxWorldModel.ToolThresholdKey, Value = toolThreshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
        encoder.ProducerName = "safemcp train --tier 2";
        File.WriteAllBytes(path, encoder.ToByteArray());
    }

    private static NodeProto Reduce(string input, string output)
    {
        var node = Node("ReduceSum", [input, "safemcp_axis1"], [output]);
        node.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        return node;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static ValueInfoProto Output(string name, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    private static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static TensorProto Int64s(string name, long[] dims, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }
}
