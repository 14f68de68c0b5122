using System.Data.Common;
using Microsoft.Data.Sqlite;
using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>The audit log of the embedded database (read-only; the rows and their verification are <see cref="AuditLog"/>'s).</summary>
/// <remarks>keys: The audit keys; null: the key file beside the database (<see cref="AuditKeyFiles.BesideDatabase"/>).</remarks>
internal sealed class SqliteAuditLog(string path, AuditKeyRing? keys = null) : AuditLog(keys ?? AuditKeyRing.Load(AuditKeyFiles.BesideDatabase(path)))
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadOnly,
    }.ToString();

    /// <summary>The tenants that have sessions, decisions or a chain head.</summary>
    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant_id FROM decisions UNION SELECT tenant_id FROM audit_chain_heads UNION SELECT tenant_id FROM session_definitions ORDER BY 1";
        var tenants = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(reader.GetString(0));
        }
        return tenants;
    }

    protected override async Task<ReadScope> BeginReadAsync(string tenantId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // A deferred transaction: in WAL mode its reads share the snapshot of the first, while a silo keeps writing.
        return new ReadScope(connection, connection.BeginTransaction(deferred: true));
    }

    protected override string DefinitionsQuery => "SELECT session_id, definition FROM session_definitions WHERE tenant_id = $1";

    protected override DbParameter FirstParameter(object value) => new SqliteParameter("$1", value);

    // SQLite keeps the text that was hashed.
    protected override string ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetString(ordinal);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No database at {path}.", path);
        }
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
