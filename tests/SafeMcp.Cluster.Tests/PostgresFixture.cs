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

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("SAFEMCP_TEST_POSTGRES") is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }
        _own = await PostgresServer.StartAsync();
        ConnectionString = _own.ConnectionString;
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
