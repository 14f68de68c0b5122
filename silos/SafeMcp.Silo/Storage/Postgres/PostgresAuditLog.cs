using System.Data;
using System.Data.Common;
using Npgsql;
using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// The audit log of the cluster's database, one tenant at a time: row-level security shows only the tenant set on the
/// transaction, which is REPEATABLE READ so the head and the rows are one snapshot while silos keep committing.
/// </summary>
internal sealed class PostgresAuditLog(NpgsqlDataSource dataSource, AuditKeyRing keys) : AuditLog(keys)
{
    protected override async Task<ReadScope> BeginReadAsync(string tenantId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using var scope = new NpgsqlBatch(connection, transaction) { BatchCommands = { TenantBatch.SetTenant(tenantId) } };
            await scope.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new ReadScope(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override string DefinitionsQuery => "SELECT session_id, definition FROM sessions WHERE tenant_id = $1";

    protected override DbParameter FirstParameter(object value) => new NpgsqlParameter { Value = value };

    // timestamptz is read back in UTC, as the chain hashed it (see AuditColumns.ToPostgresTimestamp).
    protected override string ReadTimestamp(DbDataReader reader, int ordinal) => AuditColumns.PostgresTimestampText(reader.GetFieldValue<DateTimeOffset>(ordinal));
}
