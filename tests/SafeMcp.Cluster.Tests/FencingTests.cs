using Npgsql;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FencingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Stale_epoch_write_is_rejected_and_leaves_no_audit_row_while_the_batch_commits_the_rest()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None);
        await using var storage = new PostgresStorage(dataSource, new GroupCommitOptions());
        var tenant = $"fence-{Guid.NewGuid():N}"[..20];
        await ApiKeys.CreateTenantWithKeyAsync(storage, tenant, tenant, CancellationToken.None);
        await TestCluster.ExecuteAsTenantAsync(dataSource, tenant,
            "INSERT INTO leases (tenant_id, grain_key, owner_address, owner_generation, epoch) VALUES ($1, 'moved', 'old', 1, 1), ($1, 'stays', 'old', 1, 1)", tenant);
        await storage.CommitAsync(new SessionWrite(tenant, "moved", 0, "{}", "{}"u8.ToArray(), null, null, Epoch: 1), CancellationToken.None);
        await storage.CommitAsync(new SessionWrite(tenant, "stays", 0, "{}", "{}"u8.ToArray(), null, null, Epoch: 1), CancellationToken.None);

        // Another silo takes 'moved' over: its epoch is bumped.
        await TestCluster.ExecuteAsTenantAsync(dataSource, tenant, "UPDATE leases SET owner_address = 'new', epoch = 2 WHERE tenant_id = $1 AND grain_key = 'moved'", tenant);

        var stale = storage.CommitAsync(new SessionWrite(tenant, "moved", 1, null, "{}"u8.ToArray(), Audit("moved"), null, Epoch: 1), CancellationToken.None);
        var fresh = storage.CommitAsync(new SessionWrite(tenant, "stays", 1, null, "{}"u8.ToArray(), Audit("stays"), null, Epoch: 1), CancellationToken.None);
        await Assert.ThrowsAsync<StaleStateException>(() => stale);
        await fresh;
        Assert.Empty(await storage.ReadDecisionsAsync(tenant, "moved", 0, 10, CancellationToken.None));
        Assert.Single(await storage.ReadDecisionsAsync(tenant, "stays", 0, 10, CancellationToken.None));

        // The new owner, under the current epoch, commits.
        await storage.CommitAsync(new SessionWrite(tenant, "moved", 1, null, "{}"u8.ToArray(), Audit("moved"), null, Epoch: 2), CancellationToken.None);
        Assert.Single(await storage.ReadDecisionsAsync(tenant, "moved", 0, 10, CancellationToken.None));

        // The rejected write took no place in the audit chain: the two committed decisions are rows 1 and 2 of one intact chain.
        var (chain, _) = await new PostgresAuditLog(dataSource).VerifyAsync(tenant, CancellationToken.None);
        Assert.True(chain.IsIntact, string.Join("; ", chain.Problems));
        Assert.Equal(2, chain.Rows);
    }

    private static AuditRecord Audit(string session) =>
        new(new Decision(session, 1, "read_notes", Verdict.Allow, [], ["No hazard found."], [], ["rules"], DateTimeOffset.UtcNow), "{}", null);
}
