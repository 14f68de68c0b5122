using System.CommandLine;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Cli.Commands;

/// <summary>Where the world model commands find the reference data and the default model.</summary>
internal static class WorldModelPaths
{
    /// <summary>The default model, relative to the repository root; the silo ships a copy of it.</summary>
    public const string DefaultModel = "silos/SafeMcp.Silo/Models/world-model.smwm";

    /// <summary>The repository root: the nearest parent of the working directory holding SafeMcp.Cluster.sln, else the working directory.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SafeMcp.Cluster.sln")))
            {
                return directory.FullName;
            }
        }
        return Environment.CurrentDirectory;
    }

    public static Option<string> DataDirectory() => new("--data-dir")
    {
        Description = "The reference data folder (default: ../shared/data relative to the repository root).",
        DefaultValueFactory = _ => Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "data")),
    };

    public static Option<string> Model() => new("--model")
    {
        Description = $"The world model file (default: {DefaultModel} in the repository).",
        DefaultValueFactory = _ => Path.Combine(RepositoryRoot(), DefaultModel),
    };

    /// <summary>Leaves out the world model's initial check as a session opens (see WorldModelDetectorOptions.InitialCheck).</summary>
    public static Option<bool> NoInitialCheck() => new("--no-initial-check")
    {
        Description = "Decision path: the world model checks calls only, not the session as it opens (its tools are then filtered from the first call on).",
    };

    /// <summary>Where the descriptions of the data's tools come from, if anywhere.</summary>
    public static Option<string?> ToolCatalogue() => new("--tool-catalogue")
    {
        Description = "A ToolEmu toolkit file (the data folder's toolemu/all_toolkits.json): give each tool of a row the description and "
            + "argument schema its MCP server would declare. Default: none, the tools as the rows name them.",
    };

    /// <summary><paramref name="rows"/> with their tools described from the catalogue at <paramref name="path"/>, or unchanged without one.</summary>
    public static List<TrajectoryRow> Describe(List<TrajectoryRow> rows, string? path) =>
        path is null ? rows : WorldModel.Data.ToolCatalogue.Load(RequireFile(path, "The tool catalogue (--tool-catalogue)")).Describe(rows);

    /// <summary>The path of a data file, or a clear message when it is missing.</summary>
    public static string RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} not found at '{Path.GetFullPath(path)}'. Give its folder with --data-dir (see the data README).", path);
        }
        return path;
    }

    /// <summary>Which tier decides: 1 (the fast network), 2 (the transformer) or tiered.</summary>
    public static Option<string> Tier() => new("--tier")
    {
        Description = "Which world model decides: 1 (the fast network, --model), 2 (the ONNX transformer, --transformer) or tiered (tier 1 for every check, the transformer for the unsure and risky ones).",
        DefaultValueFactory = _ => "1",
    };

    /// <summary>The ONNX transformer (tier 2), with vocab.txt beside it.</summary>
    public static Option<string?> Transformer() => new("--transformer")
    {
        Description = "An ONNX world model that follows the contract of docs/world-model.md (vocab.txt beside it): tier 2.",
    };

    /// <summary>The world model service for <paramref name="tier"/> (checks in the caller's thread) and its description.</summary>
    public static (IWorldModelService Service, string Description) Service(WorldModelPredictor fast, string tier, string? transformerPath, double margin)
    {
        if (tier == "1")
        {
            return (new DirectWorldModelService(fast), $"tier 1, {fast.Description}");
        }
        if (tier is not ("2" or "tiered"))
        {
            throw new ArgumentException($"--tier must be 1, 2 or tiered (was '{tier}').");
        }
        var transformer = OnnxWorldModel.Load(transformerPath ?? throw new ArgumentException($"--tier {tier} needs --transformer model.onnx."));
        var options = new TieringOptions { Tier = tier == "2" ? WorldModelTier.Transformer : WorldModelTier.Tiered, Margin = margin };
        return (new TieredWorldModelService(new DirectWorldModelService(fast), new DirectWorldModelService(transformer), options),
            tier == "2" ? $"tier 2, {transformer.Description}" : $"tiered (margin {margin}): {fast.Description}, then {transformer.Description}");
    }
}
