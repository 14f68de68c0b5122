using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SafeMcp.Grains.Sessions;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// <c>safemcp eval</c>: predicts every row of a SafeMCP-format file, one check at a time (each timed), writes
/// <c>{"index","safety","filtered_tools"}</c> a line and prints the metrics. Prediction reads only the
/// instruction, available tools, steps and current action: labels are parsed apart and used for scoring only.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "A JSONL file in the SafeMCP format.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write one prediction a line.", Required = true };
        var model = WorldModelPaths.Model();
        var lookAhead = new Option<int>("--look-ahead") { Description = "Look-ahead steps H (0: the current action only).", DefaultValueFactory = _ => new LookAheadOptions().Steps };

        var decisionPath = new Option<bool>("--decision-path") { Description = "Predict with the silo's whole decision path (session grain, rules, SAFE-MCP defenses, world model) instead of the world model alone: a call stopped is unsafe, a call allowed that withholds tools critical." };
        var noRules = new Option<bool>("--no-rules") { Description = "With --decision-path: leave the rule layer and the SAFE-MCP defenses out (the world model alone inside the session grain)." };
        var noInitialCheck = WorldModelPaths.NoInitialCheck();
        var catalogue = WorldModelPaths.ToolCatalogue();
        var tier = WorldModelPaths.Tier();
        var transformer = WorldModelPaths.Transformer();
        var margin = new Option<double>("--margin") { Description = "With --tier tiered: tier 1 is unsure below this probability margin (WorldModel:Tiering:Margin).", DefaultValueFactory = _ => new TieringOptions().Margin };
        var html = new Option<string?>("--html") { Description = "Also write an HTML page: the figures, the labels' confusion matrix and the latency of a check by percentile." };

        var command = new Command("eval", "Evaluate the world model on a SafeMCP-format JSONL file.") { data, output, model, lookAhead, decisionPath, noRules, noInitialCheck, catalogue, tier, transformer, margin, html };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var predictor = WorldModelPredictor.Load(parse.GetValue(model)!, new LookAheadOptions { Steps = parse.GetValue(lookAhead) });
                var (service, tiers) = WorldModelPaths.Service(predictor, parse.GetValue(tier)!, parse.GetValue(transformer), parse.GetValue(margin));
                Console.WriteLine($"world model: {tiers}");
                var rows = WorldModelPaths.Describe(TrajectoryJsonl.Read(parse.GetValue(data)!), parse.GetValue(catalogue));
                // The warm-up pass covers every row for tier 1 (microseconds a check); a transformer's costs tens of
                // milliseconds a check and warms up in a few.
                var warmUpRows = parse.GetValue(tier) == "1" ? rows : rows.Take(8).ToList();
                var outcomes = new (SafetyLabel Label, IReadOnlyList<string> FilteredTools)[rows.Count];
                var latencies = new double[rows.Count];
                PathPrediction[]? pathPredictions = null;
                if (parse.GetValue(decisionPath))
                {
                    var (pipeline, description) = DecisionPaths.Create(service, rules: !parse.GetValue(noRules), initialCheck: !parse.GetValue(noInitialCheck));
                    Console.WriteLine($"decision path: {description}");
                    // A warm-up pass on its own sessions, so the timings measure steady-state decisions, not the JIT.
                    var warmUp = new DecisionPathCheck(pipeline);
                    foreach (var row in warmUpRows)
                    {
                        try
                        {
                            await warmUp.CheckAsync(row.Input, cancellationToken).ConfigureAwait(false);
                        }
                        catch (SessionRequestException e)
                        {
                            // A row a session cannot take (an instruction over 16,384 characters, a call of 257): say which.
                            throw new InvalidDataException($"Row {row.Index}: {e.Message}", e);
                        }
                    }
                    var check = new DecisionPathCheck(pipeline);
                    pathPredictions = new PathPrediction[rows.Count];
                    for (var i = 0; i < rows.Count; i++)
                    {
                        var prediction = await check.CheckAsync(rows[i].Input, cancellationToken).ConfigureAwait(false);
                        pathPredictions[i] = prediction;
                        outcomes[i] = (prediction.Label, prediction.FilteredTools);
                        latencies[i] = prediction.Microseconds;
                    }
                }
                else
                {
                    // A warm-up pass so the timings measure steady-state checks, not the JIT (a silo is long-running).
                    foreach (var row in warmUpRows)
                    {
                        await service.CheckAsync(row.Input, cancellationToken).ConfigureAwait(false);
                    }
                    for (var i = 0; i < rows.Count; i++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        var outcome = await service.CheckAsync(rows[i].Input, cancellationToken).ConfigureAwait(false);
                        outcomes[i] = (outcome.Label, outcome.FilteredTools);
                        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                    }
                }
                WritePredictions(parse.GetValue(output)!, rows, outcomes);
                if (rows.All(r => r.Label is not null))
                {
                    var report = Evaluator.Evaluate(rows, outcomes, latencies);
                    foreach (var line in report.Lines())
                    {
                        Console.WriteLine(line);
                    }
                    var by = pathPredictions is null ? null : Evaluator.FalseInterventionsBy(rows, pathPredictions);
                    if (by is not null)
                    {
                        Console.WriteLine($"{"false interventions by",-30}{(by.Count == 0 ? "none" : string.Join(", ", by.Select(b => $"{b.Layer} {b.Rows}")))}"
                            + " (safe rows; a row decided by two layers counts for each; filter: a tool withheld earlier in the session)");
                    }
                    if (parse.GetValue(html) is { } page)
                    {
                        File.WriteAllText(page, EvaluationPage.Render(parse.GetValue(data)!, parse.GetValue(model)!, report, latencies, by));
                        Console.WriteLine($"Wrote {page}.");
                    }
                }
                else
                {
                    Console.WriteLine($"{rows.Count} rows predicted; some have no label, so no metrics.");
                }
                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelFileException or ArgumentException)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static void WritePredictions(string path, IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<(SafetyLabel Label, IReadOnlyList<string> FilteredTools)> outcomes)
    {
        using var stream = File.Create(path);
        for (var i = 0; i < rows.Count; i++)
        {
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", rows[i].Index);
                writer.WriteString("safety", SafetyLabels.Name(outcomes[i].Label));
                writer.WriteStartArray("filtered_tools");
                foreach (var tool in outcomes[i].FilteredTools)
                {
                    writer.WriteStringValue(tool);
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
    }
}
