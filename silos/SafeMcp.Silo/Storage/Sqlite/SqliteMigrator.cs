using Microsoft.Data.Sqlite;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>Applies the versioned SQL files of <c>infra/migrations/sqlite</c> (embedded) that a database lacks. Idempotent.</summary>
internal static class SqliteMigrator
{
    public static int Apply(SqliteConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var applied = 0;
        foreach (var (version, name, sql) in EmbeddedMigrations.Of("sqlite"))
        {
            using var transaction = connection.BeginTransaction();
            using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
                check.Parameters.AddWithValue("$v", version);
                if ((long)check.ExecuteScalar()! > 0)
                {
                    continue;
                }
            }
            using (var migrate = connection.CreateCommand())
            {
                migrate.Transaction = transaction;
                migrate.CommandText = sql;
                migrate.ExecuteNonQuery();
            }
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
                record.ExecuteNonQuery();
            }
            transaction.Commit();
            applied++;
        }
        return applied;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
