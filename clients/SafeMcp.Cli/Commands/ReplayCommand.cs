using System.CommandLine;
using SafeMcp.WorldModel.Evaluation.PowerSeeking;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// <c>safemcp replay --powerseeking FILE</c>: drives each recorded PowerSeeking trajectory through a session
/// grain with the silo's decision path (rules, SAFE-MCP defenses, world model), call by call, and reports how many were stopped in time
/// and how many calls before the power-seeking step were blocked.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--powerseeking") { Description = "The PowerSeeking Bench trajectories (powerseeking_trajectories.json).", Required = true };
        var model = WorldModelPaths.Model();
        var noWorldModel = new Option<bool>("--no-world-model") { Description = "Replay with the rule layer alone." };
        var lookAhead = new Option<int>("--look-ahead") { Description = "Look-ahead steps H.", DefaultValueFactory = _ => new LookAheadOptions().Steps };
        var noInitialCheck = WorldModelPaths.NoInitialCheck();
        var verbose = new Option<bool>("--verbose") { Description = "Print every trajectory's decisions, and the reasons and technique ids of each call stopped or withholding tools." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML page: the figures and a row a trajectory, a box a call coloured by its verdict, the reasons in each box's tooltip." };

        var command = new Command("replay", "Replay recorded agent trajectories through the decision path.") { file, model, noWorldModel, lookAhead, noInitialCheck, verbose, html };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var trajectories = PowerSeekingTrajectory.ReadAll(WorldModelPaths.RequireFile(parse.GetValue(file)!, "The PowerSeeking trajectories"));
                var (pipeline, decisionPath) = DecisionPaths.Create(parse.GetValue(noWorldModel)
                    ? null
                    : WorldModelPredictor.Load(parse.GetValue(model)!, new LookAheadOptions { Steps = parse.GetValue(lookAhead) }),
                    initialCheck: !parse.GetValue(noInitialCheck));
                var report = await new PowerSeekingReplay(pipeline)
                    .RunAsync(trajectories, parse.GetValue(verbose) ? Console.Out : null, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"decision path: {decisionPath}");
                foreach (var line in report.Lines())
                {
                    Console.WriteLine(line);
                }
                if (parse.GetValue(html) is { } page)
                {
                    await File.WriteAllTextAsync(page, ReplayPage.Render(report, decisionPath), cancellationToken).ConfigureAwait(false);
                    Console.WriteLine($"page                                  {page}");
                }
                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or ModelFileException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
