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

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("SAFEMCP_TEST_POSTGRES") is { Length: > 0 } given)
        {
            ConnectionString = given;
            SuperuserConnectionString = Superuser(given, Environment.GetEnvironmentVariable("SAFEMCP_POSTGRES_DIR"));
            return;
        }
        _own = await PostgresServer.StartAsync();
        ConnectionString = _own.ConnectionString;
        SuperuserConnectionString = Superuser(ConnectionString, _own.Directory);
    }

    private static string? Superuser(string connectionString, string? directory)
    {
        var password = directory is null ? null : Path.Combine(directory, "superuser.pw");
        if (password is null || !File.Exists(password))
        {
            return null;
        }
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Username = "postgres", Password = File.ReadAllText(password).Trim() }.ToString();
    }

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
