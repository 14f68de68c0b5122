using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SafeMcp.WorldModel.Data;
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

        var html = new Option<string?>("--html") { Description = "Also write an HTML page: the figures, the labels' confusion matrix and the latency of a check by percentile." };

        var command = new Command("eval", "Evaluate the world model on a SafeMCP-format JSONL file.") { data, output, model, lookAhead, html };
        command.SetAction((parse, _) =>
        {
            try
            {
                var predictor = WorldModelPredictor.Load(parse.GetValue(model)!, new LookAheadOptions { Steps = parse.GetValue(lookAhead) });
                var rows = TrajectoryJsonl.Read(parse.GetValue(data)!);
                var outcomes = new CheckOutcome[rows.Count];
                var latencies = new double[rows.Count];
                // A warm-up pass so the timings measure steady-state checks, not the JIT (a silo is long-running).
                foreach (var row in rows)
                {
                    predictor.Check([row.Input]);
                }
                for (var i = 0; i < rows.Count; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    outcomes[i] = predictor.Check([rows[i].Input])[0];
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                }
                WritePredictions(parse.GetValue(output)!, rows, outcomes);
                if (rows.All(r => r.Label is not null))
                {
                    var report = Evaluator.Evaluate(rows, outcomes, latencies);
                    foreach (var line in report.Lines())
                    {
                        Console.WriteLine(line);
                    }
                    if (parse.GetValue(html) is { } page)
                    {
                        File.WriteAllText(page, EvaluationPage.Render(parse.GetValue(data)!, parse.GetValue(model)!, report, latencies));
                        Console.WriteLine($"Wrote {page}.");
                    }
                }
                else
                {
                    Console.WriteLine($"{rows.Count} rows predicted; some have no label, so no metrics.");
                }
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelFileException)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static void WritePredictions(string path, IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<CheckOutcome> outcomes)
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
