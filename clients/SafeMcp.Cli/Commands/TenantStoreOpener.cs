using Npgsql;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Cli.Commands;

/// <summary>Opens the tenant store a command writes to: the cluster's PostgreSQL when given, else the embedded file.</summary>
internal sealed class TenantStoreOpener : IAsyncDisposable
{
    private readonly IAsyncDisposable _storage;
    private readonly NpgsqlDataSource? _dataSource;

    private TenantStoreOpener(ITenantStore store, IAsyncDisposable storage, NpgsqlDataSource? dataSource)
    {
        Store = store;
        _storage = storage;
        _dataSource = dataSource;
    }

    public ITenantStore Store { get; }

    public static async Task<TenantStoreOpener> OpenAsync(string sqlitePath, string? postgres, CancellationToken cancellationToken)
    {
        if (postgres is null)
        {
            var sqlite = new SqliteStorage(sqlitePath, new GroupCommitOptions());
            return new TenantStoreOpener(sqlite, sqlite, null);
        }
        var dataSource = NpgsqlDataSource.Create(postgres);
        await PostgresMigrator.ApplyAsync(dataSource, cancellationToken).ConfigureAwait(false);
        var storage = new PostgresStorage(dataSource, new GroupCommitOptions(), auditKeys: null); // tenants and keys only: no decision is written
        return new TenantStoreOpener(storage, storage, dataSource);
    }

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync().ConfigureAwait(false);
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
