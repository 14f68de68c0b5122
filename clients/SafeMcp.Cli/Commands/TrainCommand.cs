using System.CommandLine;
using System.Diagnostics;
using SafeMcp.Cli.Transformer;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Training;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// <c>safemcp train</c>: the three training stages on the SafeMCP stage-2 training rows (never the test rows)
/// plus any JSONL exported from audit logs; writes the model file.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var dataDir = WorldModelPaths.DataDirectory();
        var extra = new Option<string[]>("--extra") { Description = "More JSONL files in the same format (e.g. from safemcp export-trajectories).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = $"Where to write the model (default: {WorldModelPaths.DefaultModel} in the repository).", DefaultValueFactory = _ => Path.Combine(WorldModelPaths.RepositoryRoot(), WorldModelPaths.DefaultModel) };
        var seed = new Option<int>("--seed") { Description = "Seed of everything random in training.", DefaultValueFactory = _ => defaults.Seed };
        var dynamics = new Option<int>("--dynamics-epochs") { Description = "Stage 1 epochs.", DefaultValueFactory = _ => defaults.DynamicsEpochs };
        var supervised = new Option<int>("--supervised-epochs") { Description = "Stage 2 epochs.", DefaultValueFactory = _ => defaults.SupervisedEpochs };
        var policy = new Option<int>("--policy-epochs") { Description = "Stage 3 epochs.", DefaultValueFactory = _ => defaults.PolicyEpochs };
        var dropout = new Option<double>("--feature-dropout") { Description = "Probability of dropping a feature in a training step.", DefaultValueFactory = _ => defaults.FeatureDropout };
        var weightDecay = new Option<float>("--weight-decay") { Description = "Decoupled weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var dim = new Option<int>("--dim") { Description = "Embedding width.", DefaultValueFactory = _ => defaults.Shape.Dim };
        var buckets = new Option<int>("--buckets") { Description = "Rows of the hashed embedding table.", DefaultValueFactory = _ => defaults.Shape.Buckets };
        var hidden = new Option<int>("--hidden") { Description = "Width of the context MLP's hidden layer.", DefaultValueFactory = _ => defaults.Shape.Hidden };
        var toolHidden = new Option<int>("--tool-hidden") { Description = "Width of the per-tool scorer's hidden layer.", DefaultValueFactory = _ => defaults.Shape.ToolHidden };
        var folds = new Option<int>("--folds") { Description = "Folds of the cross-validation that chooses the thresholds (below 2: none).", DefaultValueFactory = _ => defaults.CalibrationFolds };
        var unsafeWeight = new Option<float>("--unsafe-weight") { Description = "Label-loss weight of unsafe rows.", DefaultValueFactory = _ => defaults.UnsafeLabelWeight };
        var criticalWeight = new Option<float>("--critical-weight") { Description = "Label-loss weight of critical rows.", DefaultValueFactory = _ => defaults.CriticalLabelWeight };
        var toolPositiveWeight = new Option<float>("--tool-positive-weight") { Description = "Loss weight of a tool that must be filtered.", DefaultValueFactory = _ => defaults.ToolPositiveWeight };
        var ensemble = new Option<int>("--ensemble") { Description = "Networks averaged, each a k-th as wide, packed into one network of the full shape.", DefaultValueFactory = _ => defaults.EnsembleMembers };
        var presumedSafe = new Option<double>("--presumed-safe-prefix") { Description = "Share of the training rows' prefix calls added to stage 2 as safe examples (0: none).", DefaultValueFactory = _ => defaults.PresumedSafePrefixShare };
        var presumedSafeWeight = new Option<float>("--presumed-safe-weight") { Description = "Loss weight of each presumed-safe prefix call against a labelled row's 1.", DefaultValueFactory = _ => defaults.PresumedSafeWeight };
        var catalogue = WorldModelPaths.ToolCatalogue();
        var html = new Option<string?>("--html") { Description = "Also write an HTML page: the figures and each stage's loss per epoch." };
        var tier = new Option<string>("--tier") { Description = "1: the fast network (a .smwm file); 2: heads over the frozen all-MiniLM-L6-v2 encoder, written as one ONNX graph (--out default artifacts/tier2/world-model.onnx, git-ignored).", DefaultValueFactory = _ => "1" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tier 2: tokens a check is cut to (the model serves at the same length).", DefaultValueFactory = _ => 128 };
        var maxTools = new Option<int>("--max-tools") { Description = "Tier 2: columns of the tool head.", DefaultValueFactory = _ => 32 };
        var headEpochs = new Option<int>("--head-epochs") { Description = "Tier 2: full-batch epochs of the heads.", DefaultValueFactory = _ => 300 };
        var learningRate = new Option<float>("--learning-rate") { Description = "Adam step size of stages 1 and 2.", DefaultValueFactory = _ => defaults.LearningRate };

        var command = new Command("train", "Train the world model: dynamics, supervised, then policy gradient on the verifiable rewards.")
        {
            dataDir, extra, output, seed, dynamics, supervised, policy, dropout, weightDecay, dim, buckets, hidden, toolHidden, folds, unsafeWeight, criticalWeight,
            toolPositiveWeight, learningRate, ensemble, presumedSafe, presumedSafeWeight, catalogue, html, tier, maxTools, maxTokens, headEpochs,
        };
        command.SetAction((parse, _) =>
        {
            var trainPath = Path.Combine(parse.GetValue(dataDir)!, "safemcp", "stage2_train.jsonl");
            try
            {
                var rows = TrajectoryJsonl.Read(WorldModelPaths.RequireFile(trainPath, "The SafeMCP training rows (safemcp/stage2_train.jsonl)"));
                foreach (var file in parse.GetValue(extra) ?? [])
                {
                    if (Path.GetFileName(file).Contains("test", StringComparison.OrdinalIgnoreCase))
                    {
                        Console.Error.WriteLine($"Refusing to train on '{file}': test data is for evaluation only.");
                        return Task.FromResult(2);
                    }
                    var more = TrajectoryJsonl.Read(file);
                    Console.WriteLine($"+ {more.Count} rows from {file}");
                    rows.AddRange(more.Where(r => r.Label is not null));
                }
                rows = WorldModelPaths.Describe(rows, parse.GetValue(catalogue));
                if (parse.GetValue(tier) == "2")
                {
                    // --out names the .smwm by default: tier 2 writes elsewhere unless --out is given.
                    var onnx = parse.GetResult(output) is { Implicit: false } ? parse.GetValue(output)! : Path.Combine(WorldModelPaths.RepositoryRoot(), "artifacts", "tier2", "world-model.onnx");
                    return Task.FromResult(TransformerTraining.Run(rows, onnx, parse.GetValue(maxTokens), parse.GetValue(maxTools), parse.GetValue(headEpochs), parse.GetValue(html)));
                }
                var options = new TrainingOptions
                {
                    Seed = parse.GetValue(seed),
                    DynamicsEpochs = parse.GetValue(dynamics),
                    SupervisedEpochs = parse.GetValue(supervised),
                    PolicyEpochs = parse.GetValue(policy),
                    FeatureDropout = parse.GetValue(dropout),
                    WeightDecay = parse.GetValue(weightDecay),
                    Shape = new ModelShape(parse.GetValue(buckets), parse.GetValue(dim), parse.GetValue(hidden), parse.GetValue(toolHidden)),
                    CalibrationFolds = parse.GetValue(folds),
                    UnsafeLabelWeight = parse.GetValue(unsafeWeight),
                    CriticalLabelWeight = parse.GetValue(criticalWeight),
                    ToolPositiveWeight = parse.GetValue(toolPositiveWeight),
                    LearningRate = parse.GetValue(learningRate),
                    EnsembleMembers = parse.GetValue(ensemble),
                    PresumedSafePrefixShare = parse.GetValue(presumedSafe),
                    PresumedSafeWeight = parse.GetValue(presumedSafeWeight),
                };
                Console.WriteLine($"Training on {rows.Count} rows, seed {options.Seed}, shape {options.Shape}"
                    + (options.EnsembleMembers > 1 ? $", {options.EnsembleMembers} networks of {EnsemblePacker.MemberShape(options.Shape, options.EnsembleMembers)} averaged." : "."));
                if (options.CalibrationFolds >= 2)
                {
                    Console.WriteLine($"Choosing the thresholds by {options.CalibrationFolds}-fold cross-validation first ({options.CalibrationFolds} models, no progress shown).");
                }
                var watch = Stopwatch.StartNew();
                var extractor = new FeatureExtractor(new FeatureHasher(options.Shape.Buckets), new FeatureOptions());
                var curves = new TrainingCurves(new ProgressBar(Console.Out));
                var result = new Trainer(options, extractor, curves).Train(rows);
                foreach (var line in result.Summary)
                {
                    Console.WriteLine(line);
                }
                if (result.CrossValidation is { } crossValidation)
                {
                    Console.WriteLine($"Cross-validation on the training rows, mean of {crossValidation.Folds} folds (each predicted by the model trained without it):");
                    foreach (var line in crossValidation.FoldMean.Lines().Where(l => !l.StartsWith("latency", StringComparison.Ordinal)))
                    {
                        Console.WriteLine("  " + line);
                    }
                }
                var path = parse.GetValue(output)!;
                ModelFileFormat.Write(result.Weights, path);
                Console.WriteLine($"Wrote {path} ({new FileInfo(path).Length / 1024} KiB) in {watch.Elapsed.TotalSeconds:F1} s.");
                if (parse.GetValue(html) is { } page)
                {
                    File.WriteAllText(page, TrainingReport.Render(
                        [("rows", $"{rows.Count}"), ("seed", $"{options.Seed}"), ("shape", $"{options.Shape}"), ("model", path),
                            ("time", $"{watch.Elapsed.TotalSeconds:F1} s")],
                        result, curves));
                    Console.WriteLine($"Wrote {page}.");
                }
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelFileException or ArgumentException)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(1);
            }
        });
        return command;
    }
}
