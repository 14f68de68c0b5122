using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Inference;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Onnx;

/// <summary>
/// A world model served through ONNX Runtime (tier 2): any model that follows <see cref="OnnxContract"/>, with its
/// WordPiece vocabulary beside it (<see cref="VocabularyFile"/>). A batch is serialised (<see cref="CheckText"/>), tokenised
/// as segment pairs, padded to its longest row and run in one pass; the logits become probabilities and the conclusion is
/// drawn as for the fast network (<see cref="CheckOutcome.From"/>). Not thread-safe: the silo's batcher runs it from one worker.
/// </summary>
public sealed class OnnxWorldModel : IWorldModel, IDisposable
{
    /// <summary>The vocabulary's file name, in the model's folder.</summary>
    public const string VocabularyFile = "vocab.txt";

    /// <summary>Optional metadata: the filter probability from which a tool is filtered. Default 0.5.</summary>
    public const string ToolThresholdKey = "safemcp.tool_threshold";

    /// <summary>Optional metadata: the log-scale bias added to the safe label before the argmax. Default 0.</summary>
    public const string SafeBiasKey = "safemcp.safe_bias";

    /// <summary>Optional metadata: the tokens a check is cut to, the length the model was trained at (else <see cref="OnnxModelOptions.MaxTokens"/>).</summary>
    public const string MaxTokensKey = "safemcp.max_tokens";

    /// <summary>Optional metadata: <c>false</c> for a cased vocabulary. Default true (input lower-cased).</summary>
    public const string LowercaseKey = "safemcp.lowercase";

    private readonly InferenceSession _session;
    private readonly OnnxContract _contract;
    private readonly PairTokenizer _tokenizer;
    private readonly OnnxModelOptions _options;
    private readonly float _toolThreshold;
    private readonly float _safeBias;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _maxTokens;

    private OnnxWorldModel(string path, InferenceSession session, OnnxContract contract, PairTokenizer tokenizer, OnnxModelOptions options,
        string provider, string? fallbackReason)
    {
        _session = session;
        _contract = contract;
        _tokenizer = tokenizer;
        _options = options;
        Provider = provider;
        FallbackReason = fallbackReason;
        var metadata = session.ModelMetadata.CustomMetadataMap;
        _toolThreshold = Number(metadata, ToolThresholdKey, 0.5f, path);
        _safeBias = Number(metadata, SafeBiasKey, 0f, path);
        _inputNames = contract.TakesTokenTypes ? [OnnxContract.InputIds, OnnxContract.AttentionMask, OnnxContract.TokenTypeIds] : [OnnxContract.InputIds, OnnxContract.AttentionMask];
        _outputNames = contract.HasNextState ? [OnnxContract.LabelLogits, OnnxContract.ToolLogits, OnnxContract.NextState] : [OnnxContract.LabelLogits, OnnxContract.ToolLogits];
        _maxTokens = contract.SequenceLength ?? (metadata.ContainsKey(MaxTokensKey) ? (int)Number(metadata, MaxTokensKey, options.MaxTokens, path) : options.MaxTokens);
        if (_maxTokens is < 16 or > 8192)
        {
            throw new ModelFileException($"The ONNX world model '{path}': metadata '{MaxTokensKey}' must be between 16 and 8192 (is {_maxTokens}).");
        }
        Description = $"onnx {Path.GetFileName(path)} on {provider}";
    }

    /// <summary>The execution provider the model runs on: <c>CUDAExecutionProvider</c> or <c>CPUExecutionProvider</c>.</summary>
    public string Provider { get; }

    /// <summary>Why CUDA was not used when it was preferred; null when it is used or was not asked for.</summary>
    public string? FallbackReason { get; }

    /// <summary>The contract as the model follows it (sequence length, tool columns, next state).</summary>
    public OnnxContract Contract => _contract;

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>
    /// Loads <paramref name="path"/> and the vocabulary beside it, on CUDA when preferred and available, else on the CPU.
    /// Throws <see cref="ModelFileException"/> when a file is missing, unreadable or breaks the contract.
    /// </summary>
    public static OnnxWorldModel Load(string path, OnnxModelOptions? options = null)
    {
        options ??= new OnnxModelOptions();
        options.Validate();
        if (!File.Exists(path))
        {
            throw new ModelFileException($"The ONNX world model '{Path.GetFullPath(path)}' does not exist.");
        }
        var vocabulary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, VocabularyFile);
        if (!File.Exists(vocabulary))
        {
            throw new ModelFileException($"The ONNX world model '{path}' has no vocabulary: '{vocabulary}' must be beside it (one WordPiece token a line).");
        }
        var (session, provider, fallback) = OnnxSessionFactory.Create(path, options);
        try
        {
            var contract = OnnxContract.Check(session, path);
            var lowercase = !session.ModelMetadata.CustomMetadataMap.TryGetValue(LowercaseKey, out var cased) || !string.Equals(cased, "false", StringComparison.OrdinalIgnoreCase);
            return new OnnxWorldModel(path, session, contract, new PairTokenizer(vocabulary, lowercase), options, provider, fallback);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public CheckOutcome[] Check(IReadOnlyList<WorldModelInput> inputs)
    {
        var predictions = Predict(inputs);
        var outcomes = new CheckOutcome[inputs.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = CheckOutcome.From(inputs[i], predictions[i], _toolThreshold, _safeBias);
        }
        return outcomes;
    }

    /// <summary>The model's probabilities for a batch, same order.</summary>
    public Prediction[] Predict(IReadOnlyList<WorldModelInput> inputs)
    {
        var rows = inputs.Count;
        if (rows == 0)
        {
            return [];
        }
        var outputs = Run(inputs, _outputNames);
        var labels = outputs[0];
        var tools = outputs[1];
        OutputRows? next = _contract.HasNextState ? outputs[2] : null;
        var predictions = new Prediction[rows];
        for (var r = 0; r < rows; r++)
        {
            predictions[r] = new Prediction(Softmax(labels.Row(r)), ToolProbabilities(tools.Row(r), inputs[r].Tools.Count),
                next is null ? new float[NextStateFeature.Count] : Sigmoid(next.Value.Row(r)));
        }
        return predictions;
    }

    /// <summary>
    /// Rows of the model's output <paramref name="name"/> [batch, width] for a batch, fed exactly as checks are: how
    /// training reads an encoder's pooled vector through the serving path's serialisation and tokens.
    /// </summary>
    public float[][] Output(IReadOnlyList<WorldModelInput> inputs, string name)
    {
        if (inputs.Count == 0)
        {
            return [];
        }
        var output = Run(inputs, [name])[0];
        return [.. Enumerable.Range(0, inputs.Count).Select(r => output.Row(r).ToArray())];
    }

    private OutputRows[] Run(IReadOnlyList<WorldModelInput> inputs, string[] outputNames)
    {
        var rows = inputs.Count;
        var (ids, mask, types, length) = Tokenize(inputs);
        long[] shape = [rows, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        OrtValue[] values = _contract.TakesTokenTypes ? [idsValue, maskValue, typesValue] : [idsValue, maskValue];
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, _inputNames, values, outputNames);
        return [.. results.Select((value, i) => Rows(value, rows, outputNames[i]))];
    }

    /// <summary>The batch as token arrays [rows, length], padded with zeros to the longest row (or the model's fixed length).</summary>
    private (long[] Ids, long[] Mask, long[] Types, int Length) Tokenize(IReadOnlyList<WorldModelInput> inputs)
    {
        var rows = inputs.Count;
        var ids = new long[rows * _maxTokens];
        var mask = new long[rows * _maxTokens];
        var types = new long[rows * _maxTokens];
        var counts = new int[rows];
        var maxFirst = Math.Max(3, (int)(_maxTokens * _options.TaskShare));
        for (var r = 0; r < rows; r++)
        {
            var (task, context) = CheckText.Serialize(inputs[r], _options.MaxFieldChars);
            var span = new Range(r * _maxTokens, (r + 1) * _maxTokens);
            counts[r] = _tokenizer.Encode(task, context, maxFirst, ids.AsSpan(span), mask.AsSpan(span), types.AsSpan(span));
        }
        var length = _contract.SequenceLength ?? Math.Max(1, counts.Max());
        if (length == _maxTokens)
        {
            return (ids, mask, types, length);
        }
        var packedIds = new long[rows * length];
        var packedMask = new long[rows * length];
        var packedTypes = new long[rows * length];
        for (var r = 0; r < rows; r++)
        {
            ids.AsSpan(r * _maxTokens, length).CopyTo(packedIds.AsSpan(r * length));
            mask.AsSpan(r * _maxTokens, length).CopyTo(packedMask.AsSpan(r * length));
            types.AsSpan(r * _maxTokens, length).CopyTo(packedTypes.AsSpan(r * length));
        }
        return (packedIds, packedMask, packedTypes, length);
    }

    private static OutputRows Rows(OrtValue value, int rows, string name)
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != rows)
        {
            throw new InvalidOperationException($"The ONNX world model returned '{name}' of shape [{string.Join(", ", shape)}] for a batch of {rows}.");
        }
        return new OutputRows(value.GetTensorDataAsSpan<float>().ToArray(), (int)shape[1]);
    }

    /// <summary>Each tool's filter probability; a tool past the model's columns is not filtered (probability 0).</summary>
    private static float[] ToolProbabilities(ReadOnlySpan<float> logits, int tools)
    {
        var probabilities = new float[tools];
        for (var t = 0; t < tools && t < logits.Length; t++)
        {
            probabilities[t] = 1f / (1f + MathF.Exp(-logits[t]));
        }
        return probabilities;
    }

    private static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var logit in logits)
        {
            max = MathF.Max(max, logit);
        }
        var probabilities = new float[logits.Length];
        var sum = 0f;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[i] - max);
            sum += probabilities[i];
        }
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] /= sum;
        }
        return probabilities;
    }

    private static float[] Sigmoid(ReadOnlySpan<float> logits)
    {
        var probabilities = new float[logits.Length];
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = 1f / (1f + MathF.Exp(-logits[i]));
        }
        return probabilities;
    }

    private static float Number(Dictionary<string, string> metadata, string key, float fallback, string path)
    {
        if (!metadata.TryGetValue(key, out var text))
        {
            return fallback;
        }
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value)
            ? value
            : throw new ModelFileException($"The ONNX world model '{path}': metadata '{key}' is not a number ('{text}').");
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private readonly record struct OutputRows(float[] Data, int Width)
    {
        public ReadOnlySpan<float> Row(int r) => Data.AsSpan(r * Width, Width);
    }
}
