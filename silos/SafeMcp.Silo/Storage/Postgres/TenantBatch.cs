using Npgsql;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// Commands that run as one tenant: each statement is preceded by <c>set_config('safemcp.tenant', …, true)</c>
/// in the same transaction, so row-level security shows and accepts only that tenant's rows.
/// </summary>
internal static class TenantBatch
{
    /// <summary>Sets <paramref name="setting"/> to <paramref name="value"/> for the rest of the transaction.</summary>
    public static NpgsqlBatchCommand SetLocal(string setting, string value)
    {
        var command = new NpgsqlBatchCommand("SELECT set_config($1, $2, true)");
        command.Parameters.Add(new NpgsqlParameter { Value = setting });
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    /// <summary>Sets the transaction's tenant.</summary>
    public static NpgsqlBatchCommand SetTenant(string tenantId) => SetLocal("safemcp.tenant", tenantId);

    /// <summary>A statement with positional parameters <c>$1..$n</c>.</summary>
    public static NpgsqlBatchCommand Statement(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is NpgsqlParameter parameter ? parameter : new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }

    /// <summary>Runs <paramref name="statements"/> as <paramref name="tenantId"/> in one round trip and one (implicit) transaction.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string tenantId, IEnumerable<NpgsqlBatchCommand> statements, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(SetTenant(tenantId));
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(statement);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> after <paramref name="scope"/> in one round trip (the batch is one implicit
    /// transaction) and returns a reader positioned on the statement's results.
    /// </summary>
    public static Task<NpgsqlDataReader> ReadAsync(NpgsqlConnection connection, NpgsqlBatchCommand scope, string sql, object?[] values, CancellationToken cancellationToken) =>
        ReadAsync(connection, scope, [Statement(sql, values)], cancellationToken);

    /// <summary>
    /// Runs <paramref name="statements"/> after <paramref name="scope"/> in one round trip (one implicit transaction) and
    /// returns a reader positioned on the first statement's results (<c>NextResultAsync</c> moves to the next).
    /// </summary>
    public static async Task<NpgsqlDataReader> ReadAsync(NpgsqlConnection connection, NpgsqlBatchCommand scope, IEnumerable<NpgsqlBatchCommand> statements, CancellationToken cancellationToken)
    {
        // Not disposed here: the reader returned uses it; disposing the connection ends both.
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(scope);
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(statement);
        }
        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return reader;
    }
}
