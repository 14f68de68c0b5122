using Google.Protobuf;
using Onnx;

namespace SafeMcp.Silo.Tests;

/// <summary>
/// Writes a tiny ONNX world model whose outputs are known: the label logits are unsafe when the token "wipe" is in the
/// check's text and critical when "share" is (safe otherwise), and the tool logits filter the second tool only. Its
/// vocabulary (<c>vocab.txt</c>) is written beside it.
/// </summary>
internal static class TinyOnnxModel
{
    public const string UnsafeWord = "wipe";
    public const string CriticalWord = "share";
    public const int MaxTools = 4;

    private static readonly string[] s_vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "task", "action", "tools", "history", "none", ":", "|", ";", "(", ")", UnsafeWord, CriticalWord];

    /// <summary>Writes the model into <paramref name="directory"/> and returns its path; <paramref name="labelColumns"/> other than 3 breaks the contract.</summary>
    public static string Write(string directory, int labelColumns = 3, bool writeVocabulary = true)
    {
        var graph = new GraphProto { Name = "tiny-world-model" };
        graph.Input.Add(Tensor("input_ids", TensorProto.Types.DataType.Int64, "batch", "seq"));
        graph.Input.Add(Tensor("attention_mask", TensorProto.Types.DataType.Int64, "batch", "seq"));
        graph.Output.Add(Tensor("label_logits", TensorProto.Types.DataType.Float, "batch", labelColumns));
        graph.Output.Add(Tensor("tool_logits", TensorProto.Types.DataType.Float, "batch", MaxTools));

        graph.Initializer.Add(Int64s("unsafe_id", [], [Array.IndexOf(s_vocabulary, UnsafeWord)]));
        graph.Initializer.Add(Int64s("critical_id", [], [Array.IndexOf(s_vocabulary, CriticalWord)]));
        graph.Initializer.Add(Int64s("axis_seq", [1], [1]));
        // hits [batch, 3]: (1, unsafe word count, critical word count); the first column carries the biases.
        float[] labelWeights = labelColumns == 3 ? [2, 0, 0, -10, 10, 0, -10, 0, 10] : [2, 0, -10, 10, -10, 0];
        graph.Initializer.Add(Floats("label_weights", [3, labelColumns], labelWeights));
        graph.Initializer.Add(Floats("tool_weights", [3, MaxTools], [-5, 5, -5, -5, 0, 0, 0, 0, 0, 0, 0, 0]));
        graph.Initializer.Add(Floats("zero", [], [0]));
        graph.Initializer.Add(Floats("one", [], [1]));

        graph.Node.Add(Node("Equal", ["input_ids", "unsafe_id"], ["is_unsafe"]));
        graph.Node.Add(Node("Equal", ["input_ids", "critical_id"], ["is_critical"]));
        graph.Node.Add(Cast("is_unsafe", "is_unsafe_f"));
        graph.Node.Add(Cast("is_critical", "is_critical_f"));
        graph.Node.Add(Cast("attention_mask", "mask_f"));
        graph.Node.Add(Node("ReduceSum", ["is_unsafe_f", "axis_seq"], ["unsafe_hits"]));
        graph.Node.Add(Node("ReduceSum", ["is_critical_f", "axis_seq"], ["critical_hits"]));
        graph.Node.Add(Node("ReduceSum", ["mask_f", "axis_seq"], ["tokens"]));
        // A column of ones [batch, 1] made from the token count (tokens · 0 + 1), so the mask is read and the bias is a weight.
        graph.Node.Add(Node("Mul", ["tokens", "zero"], ["tokens_zero"]));
        graph.Node.Add(Node("Add", ["tokens_zero", "one"], ["ones"]));
        var concat = Node("Concat", ["ones", "unsafe_hits", "critical_hits"], ["hits"]);
        concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(concat);
        graph.Node.Add(Node("MatMul", ["hits", "label_weights"], ["label_logits"]));
        graph.Node.Add(Node("MatMul", ["hits", "tool_weights"], ["tool_logits"]));

        var model = new ModelProto { IrVersion = 8, ProducerName = "safemcp-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "tiny.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        if (writeVocabulary)
        {
            File.WriteAllLines(Path.Combine(directory, "vocab.txt"), s_vocabulary);
        }
        return path;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static NodeProto Cast(string input, string output)
    {
        var node = Node("Cast", [input], [output]);
        node.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        return node;
    }

    private static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, string batch, object second)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        shape.Dim.Add(second is int size ? new TensorShapeProto.Types.Dimension { DimValue = size } : new TensorShapeProto.Types.Dimension { DimParam = (string)second });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
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
