namespace SafeMcp.Cluster.Tests;

/// <summary>
/// The PostgreSQL the cluster tests share: the one named by <c>SAFEMCP_TEST_POSTGRES</c> (CI starts it), or a
/// throwaway one started with the repository's script. Tests isolate themselves by tenant and fresh ports.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _own;

    /// <summary>The application role's connection string.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>
    /// The superuser's connection string (tests that tamper with rows behind the service's back), when the server's state
    /// directory is known: the one started here, or <c>SAFEMCP_POSTGRES_DIR</c> of <c>infra/postgres/start.sh</c>. Else null.
    /// </summary>
    public string? SuperuserConnectionString { get; private set; }

    /// <summary>
    /// The owner role's connection string (it ran the migrations; the runtime role owns nothing), when the server's state
    /// directory is known and has an owner role; else the application role's.
    /// </summary>
    public string OwnerConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string? directory;
        if (Environment.GetEnvironmentVariable("SAFEMCP_TEST_POSTGRES") is { Length: > 0 } given)
        {
            ConnectionString = given;
            directory = Environment.GetEnvironmentVariable("SAFEMCP_POSTGRES_DIR");
        }
        else
        {
            _own = await PostgresServer.StartAsync();
            ConnectionString = _own.ConnectionString;
            directory = _own.Directory;
        }
        SuperuserConnectionString = Superuser(ConnectionString, directory);
        OwnerConnectionString = Role(ConnectionString, directory, "safemcp_owner", "owner.pw") ?? ConnectionString;
        // The schema is the owner's: migrate once here, so that every later migration run by the runtime role is a no-op.
        await using var owner = Npgsql.NpgsqlDataSource.Create(OwnerConnectionString);
        await SafeMcp.Silo.Storage.Postgres.PostgresMigrator.ApplyAsync(owner, CancellationToken.None);
    }

    private static string? Role(string connectionString, string? directory, string role, string passwordFile)
    {
        var password = directory is null ? null : Path.Combine(directory, passwordFile);
        return password is null || !File.Exists(password)
            ? null
            : new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = File.ReadAllText(password).Trim() }.ToString();
    }

    private static string? Superuser(string connectionString, string? directory) => Role(connectionString, directory, "postgres", "superuser.pw");

    public async Task DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
