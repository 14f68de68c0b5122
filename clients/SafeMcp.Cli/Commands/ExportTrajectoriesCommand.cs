using System.CommandLine;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SafeMcp.Silo.Storage;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp export-trajectories</c>: the audit log (embedded file or cluster database) as SafeMCP JSONL, for <c>safemcp train --extra</c>.</summary>
internal static class ExportTrajectoriesCommand
{
    public static Command Create()
    {
        var log = new AuditLogOptions();
        var output = new Option<string>("--out") { Description = "The JSONL file to write.", Required = true };
        var command = new Command("export-trajectories",
            "Export the audit log as SafeMCP-format JSONL: each session's initial check, then one row a decided call, labelled with the cluster's decisions.");
        log.AddTo(command);
        command.Options.Add(output);
        command.SetAction((parse, cancellationToken) => log.WithLogAsync(parse, async (audit, tenants) =>
        {
            var path = parse.GetValue(output)!;
            // Written beside the target and moved over it at the end, so a failed export leaves no half-written file.
            var partial = path + ".partial";
            long notSafe = 0, sessions = 0, rows = 0;
            try
            {
                using (var writer = new TrajectoryJsonlWriter(File.Create(partial)))
                {
                    await foreach (var row in AuditTrajectoryExporter.RowsAsync(audit, tenants, cancellationToken).ConfigureAwait(false))
                    {
                        writer.Write(row);
                        sessions += row.Input.Current is null ? 1 : 0;
                        notSafe += row.Label!.Safety != SafetyLabel.Safe ? 1 : 0;
                        if (writer.Rows % 10_000 == 0)
                        {
                            Console.Error.Write($"\r{writer.Rows:N0} rows, {sessions:N0} sessions");
                        }
                    }
                    rows = writer.Rows;
                }
                if (rows >= 10_000)
                {
                    Console.Error.WriteLine();
                }
                File.Move(partial, path, overwrite: true);
                Console.WriteLine($"Wrote {rows} rows of {sessions} sessions ({notSafe} not safe) to {path}.");
                return 0;
            }
            catch (Exception e) when (e is SqliteException or JsonException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                if (File.Exists(partial))
                {
                    File.Delete(partial);
                }
                Console.Error.WriteLine($"The audit log cannot be exported: {e.Message}");
                return 2;
            }
        }, cancellationToken));
        return command;
    }
}
