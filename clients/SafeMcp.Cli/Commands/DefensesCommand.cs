using System.CommandLine;
using System.Globalization;
using SafeMcp.Grains.Defenses.Catalog;
using SafeMcp.Grains.Defenses.Poisoning.Evaluation;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp defenses eval-poisoning|catalog</c>: measure the poisoning scanner, print the coverage table.</summary>
internal static class DefensesCommand
{
    public static Command Create()
    {
        var defenses = new Command("defenses", "Evaluate and describe the SAFE-MCP defenses.");

        var data = new Option<string?>("--data") { Description = "The shared reference data folder (default: ../shared/data beside the repository, or SAFEMCP_DATA)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the poisoned-variant generator.", DefaultValueFactory = _ => 1 };
        var perTechnique = new Option<int>("--per-technique") { Description = "Poisoned variants made per technique.", DefaultValueFactory = _ => 250 };
        var showFalsePositives = new Option<bool>("--show-false-positives") { Description = "List the benign tools that were flagged." };
        var eval = new Command("eval-poisoning", "Precision and recall of the description-poisoning scanner: benign = ToolEmu's 330 tools, poisoned = generated variants per technique.")
        {
            data, seed, perTechnique, showFalsePositives,
        };
        eval.SetAction(parse =>
        {
            var path = Path.Combine(SharedData.Resolve(parse.GetValue(data)), "toolemu", "all_toolkits.json");
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"The benign set is missing: {path} (pass --data with the shared reference data folder).");
                return 2;
            }
            var benign = ToolEmuTools.Load(path);
            var result = PoisoningEvaluation.Run(benign, parse.GetValue(perTechnique), parse.GetValue(seed));
            Console.WriteLine($"benign tools: {result.BenignCount}, flagged: {result.BenignFlagged} (false-positive rate {result.FalsePositiveRate.ToString("P2", CultureInfo.InvariantCulture)})");
            Console.WriteLine($"{"technique",-12} {"variants",8} {"found",6} {"benign FP",9} {"precision",9} {"recall",7}");
            foreach (var row in result.Techniques.Append(result.Overall))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Technique,-12} {row.Variants,8} {row.Found,6} {row.BenignFlagged,9} {row.Precision,9:F3} {row.Recall,7:F3}"));
            }
            if (parse.GetValue(showFalsePositives))
            {
                foreach (var line in result.FalsePositives)
                {
                    Console.WriteLine("  FP " + line);
                }
            }
            return 0;
        });

        var output = new Option<string?>("--output") { Description = "Write the markdown table to this file instead of standard output." };
        var catalog = new Command("catalog", "The coverage table: which SAFE-MCP techniques are detected by what, with mitigation ids (markdown).") { output };
        catalog.SetAction(parse =>
        {
            var markdown = DefenseCatalog.Markdown();
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file, markdown);
            }
            else
            {
                Console.Write(markdown);
            }
            return 0;
        });

        var decisions = new Option<int>("--decisions") { Description = "Decisions to make.", DefaultValueFactory = _ => 100_000 };
        var sessions = new Option<int>("--sessions") { Description = "Sessions the decisions spread over.", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Decisions in flight.", DefaultValueFactory = _ => 64 };
        var rulesOnly = new Option<bool>("--rules-only") { Description = "Only the rule layer (the baseline the defenses add to)." };
        var bench = new Command("bench", "Durable decisions a second and latency percentiles through the session runtime and SQLite group commit (in process, no HTTP).")
        {
            decisions, sessions, concurrency, rulesOnly,
        };
        bench.SetAction((parse, cancellationToken) => DecisionBenchmark.RunAsync(
            parse.GetValue(decisions), parse.GetValue(sessions), parse.GetValue(concurrency), parse.GetValue(rulesOnly), Console.Out, cancellationToken));

        defenses.Subcommands.Add(eval);
        defenses.Subcommands.Add(bench);
        defenses.Subcommands.Add(catalog);
        return defenses;
    }
}
