using Npgsql;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Cluster.Tests;

/// <summary>
/// The audit chain is linked at the end of each group-commit batch (one statement per tenant): two stores (two silos)
/// committing concurrently for the same tenants, with several tenants in each batch, leave every tenant's chain intact
/// and holding exactly the acknowledged decisions.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class AuditChainBatchTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Concurrent_batches_of_two_stores_over_two_tenants_link_every_decision_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None);
        var options = new GroupCommitOptions { MaxBatch = 16 };
        await using var first = new PostgresStorage(dataSource, options, new PostgresStorageOptions { TransactionsInFlight = 2 });
        await using var second = new PostgresStorage(dataSource, options, new PostgresStorageOptions { TransactionsInFlight = 2 });
        var tenants = new[] { $"chain-a-{Guid.NewGuid():N}"[..20], $"chain-b-{Guid.NewGuid():N}"[..20] };
        foreach (var tenant in tenants)
        {
            await ApiKeys.CreateTenantWithKeyAsync(first, tenant, tenant, CancellationToken.None);
        }

        // 24 sessions a tenant, alternating between the stores; each session commits 5 decisions one after another.
        const int sessions = 24, decisions = 5;
        var work = new List<Task>();
        foreach (var tenant in tenants)
        {
            for (var s = 0; s < sessions; s++)
            {
                var store = s % 2 == 0 ? first : second;
                var session = $"s{s}";
                await LeaseAsync(dataSource, tenant, session);
                work.Add(Task.Run(async () =>
                {
                    for (var version = 1; version <= decisions; version++)
                    {
                        await store.CommitAsync(new SessionWrite(tenant, session, version - 1, version == 1 ? "{}" : null, "{}"u8.ToArray(),
                            Audit(session, version), null, Epoch: 1), CancellationToken.None);
                    }
                }));
            }
        }
        await Task.WhenAll(work);
        Assert.True(first.Batches + second.Batches < 2 * sessions * decisions, "the commits were grouped into batches");

        var audit = new PostgresAuditLog(dataSource);
        foreach (var tenant in tenants)
        {
            var (chain, _) = await audit.VerifyAsync(tenant, CancellationToken.None);
            Assert.True(chain.IsIntact, string.Join("; ", chain.Problems));
            Assert.Equal(sessions * decisions, chain.Rows);
            var rows = await first.ReadDecisionsAsync(tenant, "s3", 0, 100, CancellationToken.None);
            Assert.Equal(Enumerable.Range(1, decisions).Select(i => (long)i), rows.Select(d => d.Sequence));
        }
    }

    [Fact]
    public async Task Decisions_of_a_session_of_two_servers_are_stored_read_back_and_chained_with_their_servers()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None);
        await using var store = new PostgresStorage(dataSource, new GroupCommitOptions(), new PostgresStorageOptions());
        var tenant = $"servers-{Guid.NewGuid():N}"[..20];
        await ApiKeys.CreateTenantWithKeyAsync(store, tenant, tenant, CancellationToken.None);
        await LeaseAsync(dataSource, tenant, "s");
        string[] servers = ["files", "web", "default"];
        for (var version = 1; version <= servers.Length; version++)
        {
            var audit = Audit("s", version);
            await store.CommitAsync(new SessionWrite(tenant, "s", version - 1, version == 1 ? "{}" : null, "{}"u8.ToArray(),
                audit with { Decision = audit.Decision with { Server = servers[version - 1] } }, null, Epoch: 1), CancellationToken.None);
        }

        var decisions = await store.ReadDecisionsAsync(tenant, "s", 0, 10, CancellationToken.None);
        var loaded = await store.LoadAsync(tenant, "s", 8, CancellationToken.None);
        var (chain, _) = await new PostgresAuditLog(dataSource).VerifyAsync(tenant, CancellationToken.None);

        Assert.Equal(servers, decisions.Select(d => d.Server));
        Assert.Equal(servers, loaded!.RecentCalls.Select(c => c.Server));
        Assert.True(chain.IsIntact, string.Join("; ", chain.Problems));
        await TestCluster.ExecuteAsTenantAsync(dataSource, tenant, "UPDATE decisions SET server = 'files' WHERE tenant_id = $1 AND sequence = 2", tenant);
        Assert.False((await new PostgresAuditLog(dataSource).VerifyAsync(tenant, CancellationToken.None)).Result.IsIntact);
    }

    private static AuditRecord Audit(string session, long sequence) =>
        new(new Decision(session, sequence, "read_notes", Verdict.Allow, [], ["No hazard found."], [], ["rules"], DateTimeOffset.UtcNow), "{\"path\":\"a\"}", sequence % 2 == 0 ? "a thought" : null);

    private static Task LeaseAsync(NpgsqlDataSource dataSource, string tenant, string session) =>
        TestCluster.ExecuteAsTenantAsync(dataSource, tenant,
            "INSERT INTO leases (tenant_id, grain_key, owner_address, owner_generation, epoch) VALUES ($1, $2, 'test', 1, 1)", tenant, session);
}
