using System.CommandLine;
using Microsoft.Data.Sqlite;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.WorldModel.Data;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp export-trajectories</c>: the silo's audit log as SafeMCP JSONL, for <c>safemcp train --extra</c>.</summary>
internal static class ExportTrajectoriesCommand
{
    public static Command Create()
    {
        var sqlite = CommonOptions.Sqlite();
        var output = new Option<string>("--out") { Description = "The JSONL file to write.", Required = true };
        var command = new Command("export-trajectories", "Export the audit log (sessions and decisions) as SafeMCP-format JSONL.") { sqlite, output };
        command.SetAction((parse, _) =>
        {
            try
            {
                var rows = AuditTrajectoryExporter.Export(parse.GetValue(sqlite)!);
                TrajectoryJsonl.Write(parse.GetValue(output)!, rows);
                Console.WriteLine($"Wrote {rows.Count} rows ({rows.Count(r => r.Label!.Safety != SafeMcp.WorldModel.Network.SafetyLabel.Safe)} not safe) to {parse.GetValue(output)}.");
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is FileNotFoundException or SqliteException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(1);
            }
        });
        return command;
    }
}
