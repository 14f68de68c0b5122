using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Onnx;

/// <summary>
/// The input/output contract an ONNX world model must follow to be served (docs/world-model.md). <see cref="Check"/>
/// reads a loaded session's signature and refuses a model that breaks it, naming what is wrong.
/// </summary>
public sealed record OnnxContract(bool TakesTokenTypes, int? SequenceLength, int? MaxTools, bool HasNextState)
{
    /// <summary>Token ids, int64 [batch, seq].</summary>
    public const string InputIds = "input_ids";

    /// <summary>1 for a token, 0 for padding, int64 [batch, seq].</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>Optional: 0 for the task segment, 1 for the rest, int64 [batch, seq].</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>Logits of safe, unsafe, critical, float [batch, 3].</summary>
    public const string LabelLogits = "label_logits";

    /// <summary>Filter logit of each tool in the serialisation's order, float [batch, max_tools].</summary>
    public const string ToolLogits = "tool_logits";

    /// <summary>Optional: logits of the next state's features (personal data, instructions, secrets), float [batch, 3].</summary>
    public const string NextState = "next_state";

    /// <summary>The contract <paramref name="session"/> follows; throws <see cref="ModelFileException"/> when it breaks it.</summary>
    public static OnnxContract Check(InferenceSession session, string path)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        foreach (var (name, meta) in inputs)
        {
            if (name is not (InputIds or AttentionMask or TokenTypeIds))
            {
                throw Refuse(path, $"input '{name}' is not part of the contract (inputs: {InputIds}, {AttentionMask}, optionally {TokenTypeIds})");
            }
            if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Int64 || meta.Dimensions.Length != 2)
            {
                throw Refuse(path, $"input '{name}' must be an int64 tensor [batch, seq] (is {Describe(meta)})");
            }
        }
        foreach (var required in new[] { InputIds, AttentionMask })
        {
            if (!inputs.ContainsKey(required))
            {
                throw Refuse(path, $"it has no input '{required}' (int64 [batch, seq])");
            }
        }
        var labels = Output(outputs, LabelLogits, path) ?? throw Refuse(path, $"it has no output '{LabelLogits}' (float [batch, 3])");
        if (labels.Dimensions[1] != SafetyLabels.Count)
        {
            throw Refuse(path, $"output '{LabelLogits}' must have {SafetyLabels.Count} columns, safe, unsafe, critical (has {labels.Dimensions[1]})");
        }
        var tools = Output(outputs, ToolLogits, path) ?? throw Refuse(path, $"it has no output '{ToolLogits}' (float [batch, max_tools])");
        var next = Output(outputs, NextState, path);
        if (next is not null && next.Dimensions[1] != NextStateFeature.Count)
        {
            throw Refuse(path, $"output '{NextState}' must have {NextStateFeature.Count} columns (has {next.Dimensions[1]})");
        }
        var sequence = inputs[InputIds].Dimensions[1];
        return new OnnxContract(inputs.ContainsKey(TokenTypeIds), sequence > 0 ? sequence : null, tools.Dimensions[1] > 0 ? tools.Dimensions[1] : null, next is not null);
    }

    private static NodeMetadata? Output(IReadOnlyDictionary<string, NodeMetadata> outputs, string name, string path)
    {
        if (!outputs.TryGetValue(name, out var meta))
        {
            return null;
        }
        if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Float || meta.Dimensions.Length != 2)
        {
            throw Refuse(path, $"output '{name}' must be a float tensor [batch, n] (is {Describe(meta)})");
        }
        return meta;
    }

    private static string Describe(NodeMetadata meta) =>
        meta.IsTensor ? $"{meta.ElementDataType} [{string.Join(", ", meta.Dimensions)}]" : meta.OnnxValueType.ToString();

    private static ModelFileException Refuse(string path, string reason) =>
        new($"The ONNX world model '{path}' does not follow the contract (docs/world-model.md): {reason}.");
}
