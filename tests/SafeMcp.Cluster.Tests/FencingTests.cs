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
        await using var store = await LeasedStore.OpenAsync(postgres.ConnectionString, "fence", "moved", "stays");
        var (dataSource, storage, tenant) = (store.DataSource, store.Storage, store.Tenant);
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

    [Fact]
    public async Task State_handed_over_as_utf8_is_stored_as_text_and_bytes_that_are_not_utf8_are_refused()
    {
        await using var store = await LeasedStore.OpenAsync(postgres.ConnectionString, "utf8", "s");
        var (storage, tenant) = (store.Storage, store.Tenant);
        const string state = "{\"note\":\"résumé ✓ 𝄞\"}";

        await storage.CommitAsync(new SessionWrite(tenant, "s", 0, "{}", System.Text.Encoding.UTF8.GetBytes(state), null, null, Epoch: 1), CancellationToken.None);
        Assert.Equal(state, (await storage.LoadAsync(tenant, "s", CancellationToken.None))!.StateJson);

        // A lone continuation byte is not UTF-8: the write fails as a whole and the stored state stays as it was.
        await Assert.ThrowsAnyAsync<Exception>(() => storage.CommitAsync(new SessionWrite(tenant, "s", 1, null, [0x7b, 0x80, 0x7d], null, null, Epoch: 1), CancellationToken.None));
        var stored = await storage.LoadAsync(tenant, "s", CancellationToken.None);
        Assert.Equal(state, stored!.StateJson);
        Assert.Equal(1, stored.Version);
    }

    /// <summary>A store on the test database with a fresh tenant whose given sessions are leased at epoch 1.</summary>
    private sealed class LeasedStore : IAsyncDisposable
    {
        private LeasedStore(NpgsqlDataSource dataSource, PostgresStorage storage, string tenant) =>
            (DataSource, Storage, Tenant) = (dataSource, storage, tenant);

        public NpgsqlDataSource DataSource { get; }

        public PostgresStorage Storage { get; }

        public string Tenant { get; }

        public static async Task<LeasedStore> OpenAsync(string connectionString, string prefix, params string[] sessions)
        {
            var dataSource = NpgsqlDataSource.Create(connectionString);
            await PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None);
            var storage = new PostgresStorage(dataSource, new GroupCommitOptions());
            var tenant = $"{prefix}-{Guid.NewGuid():N}"[..20];
            await ApiKeys.CreateTenantWithKeyAsync(storage, tenant, tenant, CancellationToken.None);
            foreach (var session in sessions)
            {
                await TestCluster.ExecuteAsTenantAsync(dataSource, tenant,
                    "INSERT INTO leases (tenant_id, grain_key, owner_address, owner_generation, epoch) VALUES ($1, $2, 'old', 1, 1)", tenant, session);
            }
            return new LeasedStore(dataSource, storage, tenant);
        }

        public async ValueTask DisposeAsync()
        {
            await Storage.DisposeAsync();
            await DataSource.DisposeAsync();
        }
    }

    private static AuditRecord Audit(string session) =>
        new(new Decision(session, 1, "read_notes", Verdict.Allow, [], ["No hazard found."], [], ["rules"], DateTimeOffset.UtcNow), "{}", null);
}
