using System.Net.Http.Json;
using Npgsql;
using SafeMcp.Client;
using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Tenants;
using SafeMcp.Testing;

namespace SafeMcp.Cluster.Tests;

/// <summary>N real silo processes on one PostgreSQL database, each on fresh loopback ports.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("safemcp-cluster");
    private readonly List<SiloProcess> _silos = [];

    private TestCluster(string connectionString)
    {
        ConnectionString = connectionString;
        AuditKeyFile = System.IO.Path.Combine(_directory.Path, "audit-keys");
        AuditKeys = AuditKeyRing.LoadOrCreate(AuditKeyFile);
    }

    /// <summary>The audit key file every silo of the cluster signs with (outside the database, as in production).</summary>
    public string AuditKeyFile { get; }

    /// <summary>The keys of <see cref="AuditKeyFile"/>.</summary>
    public AuditKeyRing AuditKeys { get; }

    /// <summary>The application role's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The silos, in start order.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>
    /// Starts <paramref name="count"/> silos (with <paramref name="environment"/>'s configuration, if given), after
    /// migrating the database as <paramref name="ownerConnectionString"/> (default: the runtime role, which finds every
    /// migration applied where the fixture migrated as the owner).
    /// </summary>
    public static async Task<TestCluster> StartAsync(string connectionString, int count, IReadOnlyDictionary<string, string>? environment = null,
        string? ownerConnectionString = null)
    {
        var cluster = new TestCluster(connectionString);
        await using (var dataSource = NpgsqlDataSource.Create(ownerConnectionString ?? connectionString))
        {
            await PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None);
        }
        for (var i = 0; i < count; i++)
        {
            var directory = Path.Combine(cluster._directory.Path, $"silo{i}");
            Directory.CreateDirectory(directory);
            cluster._silos.Add(await SiloProcess.StartAsync(directory, environment ?? new Dictionary<string, string>(),
                "--postgres", connectionString, "--internal-url", $"http://127.0.0.1:{FreePort.Next()}", "--no-bootstrap", "--name", $"silo{i}",
                "--audit-keys", cluster.AuditKeyFile));
        }
        return cluster;
    }

    /// <summary>Creates a tenant (directly in storage, as an operator would) and returns its key.</summary>
    public async Task<(string TenantId, string Key)> CreateTenantAsync(string prefix)
    {
        var tenantId = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var storage = new PostgresStorage(dataSource, new GroupCommitOptions(), AuditKeys);
        var key = await ApiKeys.CreateTenantWithKeyAsync(storage, tenantId, prefix, CancellationToken.None);
        return (tenantId, key);
    }

    /// <summary>Waits until every silo of <paramref name="expected"/> lists exactly them as the active members.</summary>
    public static async Task WaitForMembersAsync(string key, IReadOnlyCollection<SiloProcess> expected, TimeSpan timeout)
    {
        var want = expected.Select(s => s.BaseAddress.ToString().TrimEnd('/')).Order(StringComparer.Ordinal).ToArray();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var agreed = 0;
            foreach (var silo in expected)
            {
                try
                {
                    var members = await http.GetFromJsonAsync(new Uri(silo.BaseAddress, "v1/cluster/members"), SafeMcpJsonContext.Default.ClusterMembers);
                    if (members is not null && members.Members.Select(m => m.Address).Order(StringComparer.Ordinal).SequenceEqual(want))
                    {
                        agreed++;
                    }
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                {
                }
            }
            if (agreed == expected.Count)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The silos did not agree on members [{string.Join(", ", want)}] within {timeout}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A client routing over the cluster (learns members from <paramref name="entry"/>), or pinned to one silo.</summary>
    public static SafeMcpClient Client(string key, SiloProcess entry, bool discover = true, int retries = 8) => new(new SafeMcpClientOptions
    {
        BaseAddress = entry.BaseAddress,
        ApiKey = key,
        DiscoverCluster = discover,
        MaxRetries = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(3),
    });

    /// <summary>Opens <paramref name="connection"/> as the application role and starts a transaction scoped to the tenant.</summary>
    public static async Task<NpgsqlTransaction> BeginAsTenantAsync(NpgsqlConnection connection, string tenantId)
    {
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var scope = new NpgsqlCommand("SELECT set_config('safemcp.tenant', $1, true)", connection, transaction);
        scope.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await scope.ExecuteScalarAsync();
        return transaction;
    }

    /// <summary>Runs <paramref name="sql"/> (parameters <c>$1..$n</c>) as the application role in a transaction scoped to the tenant, and commits.</summary>
    public static async Task ExecuteAsTenantAsync(NpgsqlDataSource dataSource, string tenantId, string sql, params object[] values)
    {
        await using var connection = dataSource.CreateConnection();
        await using var transaction = await BeginAsTenantAsync(connection, tenantId);
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    /// <summary>The committed audit rows of a session (sequence, epoch), read as the application role under the tenant.</summary>
    public async Task<List<(long Sequence, long Epoch)>> AuditAsync(string tenantId, string sessionId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await using var transaction = await BeginAsTenantAsync(connection, tenantId);
        await using var command = new NpgsqlCommand("SELECT sequence, epoch FROM decisions WHERE session_id = $1 ORDER BY sequence", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        var rows = new List<(long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }
        return rows;
    }

    /// <summary>Which silo address holds each session's lease, read as the application role under the tenant.</summary>
    public async Task<Dictionary<string, string>> LeaseOwnersAsync(string tenantId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await using var transaction = await BeginAsTenantAsync(connection, tenantId);
        await using var command = new NpgsqlCommand("SELECT grain_key, owner_address FROM leases", connection, transaction);
        var owners = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            owners[reader.GetString(0)] = reader.GetString(1);
        }
        return owners;
    }

    /// <summary>A session with a harmless tool and an egress tool.</summary>
    public static OpenSessionRequest Session(string sessionId) => new(sessionId, "Summarize the notes.",
    [
        new ToolDescriptor("read_notes", Description: "Read the user's notes."),
        new ToolDescriptor("http_post", Description: "Send an HTTP POST request to a URL."),
    ]);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
        _directory.Dispose();
    }
}
