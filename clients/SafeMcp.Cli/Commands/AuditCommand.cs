using System.CommandLine;
using System.Text;
using SafeMcp.Silo.Storage;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp audit verify|export</c>: check the tamper-evident chain, export decisions for a SIEM (embedded file or cluster database).</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "The tamper-evident audit log.");

        var verifyLog = new AuditLogOptions();
        var verify = new Command("verify", "Recompute every tenant's hash chain; exit code 1 when a row was modified, reordered or deleted.");
        verifyLog.AddTo(verify);
        verify.SetAction((parse, cancellationToken) => verifyLog.WithLogAsync(parse, async (log, tenants) =>
        {
            var intact = true;
            foreach (var id in tenants)
            {
                var (result, unchained) = await log.VerifyAsync(id, cancellationToken).ConfigureAwait(false);
                var legacy = unchained > 0 ? $" ({unchained} rows written before the chain existed)" : string.Empty;
                Console.WriteLine(result.IsIntact ? $"{id}: intact, {result.Rows} rows{legacy}" : $"{id}: TAMPERED, {result.Rows} rows{legacy}");
                foreach (var problem in result.Problems)
                {
                    Console.WriteLine("  " + problem);
                }
                intact &= result.IsIntact;
            }
            return intact ? 0 : 1;
        }, cancellationToken));

        var exportLog = new AuditLogOptions();
        var format = new Option<string>("--format") { Description = "jsonl (one JSON object a decision) or cef (ArcSight Common Event Format).", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "cef");
        var output = new Option<string?>("--output") { Description = "Write to this file (default: standard output)." };
        var export = new Command("export", "Export decisions, with their chain hashes, for a SIEM.");
        exportLog.AddTo(export);
        export.Options.Add(format);
        export.Options.Add(output);
        export.SetAction((parse, cancellationToken) => exportLog.WithLogAsync(parse, async (log, tenants) =>
        {
            await using var writer = parse.GetValue(output) is { } file ? new StreamWriter(file, append: false, new UTF8Encoding(false)) : new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
            var cef = parse.GetValue(format) == "cef";
            foreach (var id in tenants)
            {
                await foreach (var row in log.ReadAsync(id, cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteLineAsync(cef ? AuditExportFormats.Cef(row) : AuditExportFormats.JsonLine(row)).ConfigureAwait(false);
                }
            }
            return 0;
        }, cancellationToken));

        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(export);
        return audit;
    }
}
