using Npgsql;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// Applies the versioned SQL files of <c>infra/migrations/postgres</c> (embedded) that the database lacks.
/// Idempotent; silos starting together serialize on an advisory lock, so each file runs exactly once. Run it as the
/// owner role (<see cref="SiloOptions.PostgresOwnerConnectionString"/>): the runtime role may create nothing, and finds
/// every version applied.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock key all silos take while migrating (an arbitrary constant: "safemcp" in ASCII).</summary>
    private const long AdvisoryLockKey = 0x736166656d6370;

    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            // Checked first: the runtime role (no CREATE on the schema) reaches here on every start once the owner migrated.
            await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection))
            {
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    await ExecuteAsync(connection, null,
                        "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                        cancellationToken).ConfigureAwait(false);
                }
            }
            var applied = 0;
            foreach (var (version, name, sql) in EmbeddedMigrations.Of("postgres"))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var check = new NpgsqlCommand("SELECT count(*) FROM schema_migrations WHERE version = $1", connection, transaction))
                {
                    check.Parameters.Add(new NpgsqlParameter { Value = version });
                    if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
                    {
                        continue;
                    }
                }
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = version });
                    record.Parameters.Add(new NpgsqlParameter { Value = name });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                applied++;
            }
            return applied;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
