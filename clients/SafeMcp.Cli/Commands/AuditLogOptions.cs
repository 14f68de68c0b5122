using System.CommandLine;
using Npgsql;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Storage.Sqlite;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// The options of a command that reads the audit log (the embedded file, or the cluster's PostgreSQL one tenant at a
/// time), and the one way they open it with its keys.
/// </summary>
internal sealed class AuditLogOptions
{
    public Option<string> Sqlite { get; } = CommonOptions.Sqlite();

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "Read the cluster's PostgreSQL (Npgsql connection string) instead of the embedded file; needs --tenant (row-level security shows one tenant at a time).",
    };

    public Option<string[]> Tenant { get; } = new("--tenant")
    {
        Description = "A tenant; repeat for several (default with --sqlite: every tenant).",
        DefaultValueFactory = _ => [],
    };

    public Option<string?> AuditKeys { get; } = CommonOptions.AuditKeys(
        "The audit key file the silos sign with (default: SAFEMCP_AUDIT_KEYS, else the file beside the SQLite database).");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Sqlite);
        command.Options.Add(Postgres);
        command.Options.Add(Tenant);
        command.Options.Add(AuditKeys);
    }

    /// <summary>
    /// Opens the log the options name and runs <paramref name="action"/> over the tenants to read (those named, else every
    /// tenant of the embedded file, plus <paramref name="alsoTenants"/>); exit code 2 when it cannot be read.
    /// </summary>
    public async Task<int> WithLogAsync(ParseResult parse, Func<AuditLog, IReadOnlyList<string>, Task<int>> action, CancellationToken cancellationToken,
        Func<AuditKeyRing, IReadOnlyList<string>>? alsoTenants = null)
    {
        var named = parse.GetValue(Tenant) ?? [];
        try
        {
            var sqlite = parse.GetValue(Sqlite)!;
            var keyFile = parse.GetValue(AuditKeys);
            var postgres = parse.GetValue(Postgres);
            if (keyFile is null && postgres is not null)
            {
                Console.Error.WriteLine("--postgres needs --audit-keys (or SAFEMCP_AUDIT_KEYS): the silos' audit key file.");
                return 2;
            }
            var keys = AuditKeyRing.Load(keyFile ?? AuditKeyFiles.BesideDatabase(sqlite));
            var extra = alsoTenants?.Invoke(keys) ?? [];
            if (postgres is not null)
            {
                var tenants = named.Concat(extra).Distinct(StringComparer.Ordinal).ToArray();
                if (tenants.Length == 0)
                {
                    Console.Error.WriteLine("--postgres needs --tenant: the database shows one tenant's rows at a time.");
                    return 2;
                }
                await using var dataSource = NpgsqlDataSource.Create(postgres);
                return await action(new PostgresAuditLog(dataSource, keys), tenants).ConfigureAwait(false);
            }
            var log = new SqliteAuditLog(sqlite, keys);
            var listed = named.Length > 0 ? named : await log.TenantsAsync(cancellationToken).ConfigureAwait(false);
            return await action(log, [.. listed.Concat(extra).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]).ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (InvalidDataException e)
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
