using System.CommandLine;
using Npgsql;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Storage.Sqlite;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// The options of a command that reads the audit log (the embedded file, or the cluster's PostgreSQL one tenant at a
/// time), and the one way they open it.
/// </summary>
internal sealed class AuditLogOptions
{
    public Option<string> Sqlite { get; } = CommonOptions.Sqlite();

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "Read the cluster's PostgreSQL (Npgsql connection string) instead of the embedded file; needs --tenant (row-level security shows one tenant).",
    };

    public Option<string?> Tenant { get; } = new("--tenant") { Description = "One tenant (default with --sqlite: every tenant)." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Sqlite);
        command.Options.Add(Postgres);
        command.Options.Add(Tenant);
    }

    /// <summary>Opens the log the options name and runs <paramref name="action"/> over the tenants to read; exit code 2 when it cannot be read.</summary>
    public async Task<int> WithLogAsync(ParseResult parse, Func<AuditLog, IReadOnlyList<string>, Task<int>> action, CancellationToken cancellationToken)
    {
        var one = parse.GetValue(Tenant);
        try
        {
            if (parse.GetValue(Postgres) is { } connectionString)
            {
                if (one is null)
                {
                    Console.Error.WriteLine("--postgres needs --tenant: the database shows one tenant's rows at a time.");
                    return 2;
                }
                await using var dataSource = NpgsqlDataSource.Create(connectionString);
                return await action(new PostgresAuditLog(dataSource), [one]).ConfigureAwait(false);
            }
            var log = new SqliteAuditLog(parse.GetValue(Sqlite)!);
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
