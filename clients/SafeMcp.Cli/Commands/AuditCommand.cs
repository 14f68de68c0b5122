using System.CommandLine;
using System.Text;
using Npgsql;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Storage.Sqlite;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp audit verify|export</c>: check the tamper-evident chain, export decisions for a SIEM (embedded file or cluster database).</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "The tamper-evident audit log.");

        var sqlite = CommonOptions.Sqlite();
        var postgres = AuditPostgres();
        var tenant = Tenant();
        var verify = new Command("verify", "Recompute every tenant's hash chain; exit code 1 when a row was modified, reordered or deleted.") { sqlite, postgres, tenant };
        verify.SetAction((parse, cancellationToken) => WithLogAsync(parse, sqlite, postgres, tenant, async (log, tenants) =>
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

        var exportSqlite = CommonOptions.Sqlite();
        var exportPostgres = AuditPostgres();
        var exportTenant = Tenant();
        var format = new Option<string>("--format") { Description = "jsonl (one JSON object a decision) or cef (ArcSight Common Event Format).", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "cef");
        var output = new Option<string?>("--output") { Description = "Write to this file (default: standard output)." };
        var export = new Command("export", "Export decisions, with their chain hashes, for a SIEM.") { exportSqlite, exportPostgres, exportTenant, format, output };
        export.SetAction((parse, cancellationToken) => WithLogAsync(parse, exportSqlite, exportPostgres, exportTenant, async (log, tenants) =>
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

    private static Option<string?> AuditPostgres() => new("--postgres")
    {
        Description = "Read the cluster's PostgreSQL (Npgsql connection string) instead of the embedded file; needs --tenant (row-level security shows one tenant).",
    };

    private static Option<string?> Tenant() => new("--tenant") { Description = "One tenant (default with --sqlite: every tenant)." };

    /// <summary>Opens the log the options name and runs <paramref name="action"/> over the tenants to read; exit code 2 when it cannot be read.</summary>
    private static async Task<int> WithLogAsync(ParseResult parse, Option<string> sqlite, Option<string?> postgres, Option<string?> tenant,
        Func<AuditLog, IReadOnlyList<string>, Task<int>> action, CancellationToken cancellationToken)
    {
        var one = parse.GetValue(tenant);
        try
        {
            if (parse.GetValue(postgres) is { } connectionString)
            {
                if (one is null)
                {
                    Console.Error.WriteLine("--postgres needs --tenant: the database shows one tenant's rows at a time.");
                    return 2;
                }
                await using var dataSource = NpgsqlDataSource.Create(connectionString);
                return await action(new PostgresAuditLog(dataSource), [one]).ConfigureAwait(false);
            }
            var log = new SqliteAuditLog(parse.GetValue(sqlite)!);
            return await action(log, one is null ? await log.TenantsAsync(cancellationToken).ConfigureAwait(false) : [one]).ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            Console.Error.WriteLine($"The cluster database cannot be read: {e.Message}");
            return 2;
        }
    }
}
