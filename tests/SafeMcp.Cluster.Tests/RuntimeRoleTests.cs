using Npgsql;

namespace SafeMcp.Cluster.Tests;

/// <summary>
/// The role the silos connect as owns nothing (migrations run as the owner): with its password one cannot turn row-level
/// security off, drop a policy, rewrite or delete audit rows, or forge the tenant count. Before, it owned every table.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RuntimeRoleTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_runtime_role_owns_nothing_and_cannot_undo_row_level_security_or_rewrite_the_audit()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND pg_get_userbyid(c.relowner) = current_user"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND pg_get_userbyid(p.proowner) = current_user"));

        foreach (var sql in new[]
        {
            "ALTER TABLE decisions DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE decisions NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY tenant_isolation ON sessions",
            "CREATE POLICY everything ON decisions USING (true)",
            "ALTER TABLE audit_chain_heads DISABLE ROW LEVEL SECURITY",
            "TRUNCATE decisions",
            "TRUNCATE membership",
            "DROP TABLE tenant_totals",
            "DELETE FROM decisions",
            "DELETE FROM audit_chain_heads",
            "DELETE FROM membership",
            "UPDATE decisions SET verdict = 'allow'",
            "UPDATE decisions SET chain_hash = 'x', key_id = NULL",
            "UPDATE tenant_totals SET tenants = 0",
            "CREATE TABLE shadow (x int)",
            "CREATE OR REPLACE FUNCTION safemcp_count_tenant() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, sql));
            Assert.True(error.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {error.SqlState} {error.MessageText}");
        }
    }

    [Fact]
    public async Task A_tenant_is_counted_by_the_database_not_by_the_runtime_role()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        var before = await ScalarAsync(connection, "SELECT tenants FROM tenant_totals WHERE id = 1");
        var tenant = $"counted-{Guid.NewGuid():N}"[..20];
        await TestCluster.ExecuteAsTenantAsync(NpgsqlDataSource.Create(postgres.ConnectionString), tenant, "INSERT INTO tenants (tenant_id, name) VALUES ($1, 'counted')", tenant);
        Assert.Equal(before + 1, await ScalarAsync(connection, "SELECT tenants FROM tenant_totals WHERE id = 1"));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
