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
        var (chain, _) = await new PostgresAuditLog(dataSource, TestAuditKeys.Ring).VerifyAsync(tenant, CancellationToken.None);
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
        Assert.Equal(state, (await storage.LoadAsync(tenant, "s", 8, CancellationToken.None))!.StateJson);

        // A lone continuation byte is not UTF-8: the write fails as a whole and the stored state stays as it was.
        await Assert.ThrowsAnyAsync<Exception>(() => storage.CommitAsync(new SessionWrite(tenant, "s", 1, null, [0x7b, 0x80, 0x7d], null, null, Epoch: 1), CancellationToken.None));
        var stored = await storage.LoadAsync(tenant, "s", 8, CancellationToken.None);
        Assert.Equal(state, stored!.StateJson);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task Writes_committed_together_are_each_checked_for_version_and_epoch_and_only_those_that_took_effect_are_audited()
    {
        string[] sessions = ["a", "b", "c", "d", "e"];
        await using var store = await LeasedStore.OpenAsync(postgres.ConnectionString, "group", sessions);
        var (dataSource, storage, tenant) = (store.DataSource, store.Storage, store.Tenant);
        await Task.WhenAll(sessions.Select(s => storage.CommitAsync(new SessionWrite(tenant, s, 0, "{}", "{}"u8.ToArray(), null, null, Epoch: 1), CancellationToken.None)));
        await TestCluster.ExecuteAsTenantAsync(dataSource, tenant, "UPDATE leases SET owner_address = 'new', epoch = 2 WHERE tenant_id = $1 AND grain_key = 'c'", tenant);

        // Sent at once, so that they share batches: a plain state change (a), one expecting a version the session does not
        // have (b), one under an epoch no longer current (c), an outcome report (d, a statement of its own) and a plain one (e).
        var writes = new[]
        {
            storage.CommitAsync(new SessionWrite(tenant, "a", 1, null, "{\"n\":\"a\"}"u8.ToArray(), Audit("a"), null, Epoch: 1), CancellationToken.None),
            storage.CommitAsync(new SessionWrite(tenant, "b", 7, null, "{\"n\":\"b\"}"u8.ToArray(), Audit("b"), null, Epoch: 1), CancellationToken.None),
            storage.CommitAsync(new SessionWrite(tenant, "c", 1, null, "{\"n\":\"c\"}"u8.ToArray(), Audit("c"), null, Epoch: 1), CancellationToken.None),
            storage.CommitAsync(new SessionWrite(tenant, "d", 1, null, "{\"n\":\"d\"}"u8.ToArray(), null, new OutcomeRecord(0, false, 5, "", "ok"), Epoch: 1), CancellationToken.None),
            storage.CommitAsync(new SessionWrite(tenant, "e", 1, null, "{\"n\":\"e\"}"u8.ToArray(), Audit("e"), null, Epoch: 1), CancellationToken.None),
        };
        await writes[0];
        await Assert.ThrowsAsync<StaleStateException>(() => writes[1]);
        await Assert.ThrowsAsync<StaleStateException>(() => writes[2]);
        await writes[3];
        await writes[4];

        foreach (var (session, state, version) in new[] { ("a", "{\"n\":\"a\"}", 2L), ("b", "{}", 1L), ("c", "{}", 1L), ("d", "{\"n\":\"d\"}", 2L), ("e", "{\"n\":\"e\"}", 2L) })
        {
            var stored = await storage.LoadAsync(tenant, session, 8, CancellationToken.None);
            Assert.Equal((state, version), (stored!.StateJson, stored.Version));
        }
        foreach (var (session, decisions) in new[] { ("a", 1), ("b", 0), ("c", 0), ("d", 0), ("e", 1) })
        {
            Assert.Equal(decisions, (await storage.ReadDecisionsAsync(tenant, session, 0, 10, CancellationToken.None)).Count);
        }
        var (chain, _) = await new PostgresAuditLog(dataSource, TestAuditKeys.Ring).VerifyAsync(tenant, CancellationToken.None);
        Assert.True(chain.IsIntact, string.Join("; ", chain.Problems));
        Assert.Equal(2, chain.Rows);
    }

    /// <summary>A store on the test database with a fresh tenant whose given sessions are leased at epoch 1.</summary>
    [Fact]
    public async Task A_session_loads_with_its_latest_calls_from_the_audit_rows_and_only_its_tenants()
    {
        await using var store = await LeasedStore.OpenAsync(postgres.ConnectionString, "history", "s");
        var (storage, tenant) = (store.Storage, store.Tenant);
        await storage.CommitAsync(new SessionWrite(tenant, "s", 0, "{}", "{}"u8.ToArray(), null, null, Epoch: 1), CancellationToken.None);
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            var decision = new Decision("s", sequence, $"tool_{sequence}", sequence == 4 ? Verdict.Deny : Verdict.Allow, [], ["ok"], [], ["rules"], DateTimeOffset.UtcNow);
            await storage.CommitAsync(new SessionWrite(tenant, "s", sequence, null, "{}"u8.ToArray(),
                new AuditRecord(decision, $$"""{"n":{{sequence}},"note":"ünïcode"}""", null), null, Epoch: 1), CancellationToken.None);
        }
        await storage.CommitAsync(new SessionWrite(tenant, "s", 6, null, "{}"u8.ToArray(), null, new OutcomeRecord(3, false, 12, "", "three's result"), Epoch: 1), CancellationToken.None);

        var stored = await storage.LoadAsync(tenant, "s", 3, CancellationToken.None);

        Assert.Equal(7, stored!.Version);
        Assert.Equal(
            [
                new StoredCall(3, "tool_3", Verdict.Allow, """{"n":3,"note":"ünïcode"}""", "three's result"),
                new StoredCall(4, "tool_4", Verdict.Deny, """{"n":4,"note":"ünïcode"}""", null),
                new StoredCall(5, "tool_5", Verdict.Allow, """{"n":5,"note":"ünïcode"}""", null),
            ],
            stored.RecentCalls);
        Assert.Empty((await storage.LoadAsync(tenant, "s", 0, CancellationToken.None))!.RecentCalls);
        // Another tenant with a session of the same id has none of these rows.
        await using var other = await LeasedStore.OpenAsync(postgres.ConnectionString, "history", "s");
        Assert.Null(await other.Storage.LoadAsync(other.Tenant, "s", 3, CancellationToken.None));
    }

    [Fact]
    public async Task A_group_commit_reads_only_its_own_leases_and_sessions_however_many_the_tenant_holds()
    {
        const int batch = 32, others = 3000;
        var sessions = Enumerable.Range(0, batch).Select(i => $"b{i}").ToArray();
        await using var store = await LeasedStore.OpenAsync(postgres.ConnectionString, "fence-cost", sessions);
        var (dataSource, storage, tenant) = (store.DataSource, store.Storage, store.Tenant);
        await Task.WhenAll(sessions.Select(s => storage.CommitAsync(new SessionWrite(tenant, s, 0, "{}", "{}"u8.ToArray(), null, null, Epoch: 1), CancellationToken.None)));

        // The planner's statistics are taken while the tenant holds a few leases, then it gains thousands: the cluster
        // benchmark's case (statistics from its first minute), where the group's lease check read every lease of the tenant.
        await TestCluster.ExecuteAsTenantAsync(dataSource, tenant, "ANALYZE leases; ANALYZE sessions");
        await TestCluster.ExecuteAsTenantAsync(dataSource, tenant,
            $"INSERT INTO leases (tenant_id, grain_key, owner_address, owner_generation, epoch) SELECT $1, 'other-' || g, 'old', 1, 1 FROM generate_series(1, {others}) g", tenant);
        await TestCluster.ExecuteAsTenantAsync(dataSource, tenant,
            $"INSERT INTO sessions (tenant_id, session_id, definition, state, version, epoch) SELECT $1, 'other-' || g, '{{}}', '{{}}', 1, 1 FROM generate_series(1, {others}) g", tenant);

        // One group's common writes, the statement the group commit sends, and the rows its transaction read. A server
        // process keeps counting until it reports its statistics (at most once a second), so the transaction runs on a
        // connection of its own, opened for it: the counts are this transaction's alone.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString);
        await using var transaction = await TestCluster.BeginAsTenantAsync(connection, tenant);
        var writes = sessions.Select(s => new SessionWrite(tenant, s, 1, null, "{\"turn\":2}"u8.ToArray(), Audit(s), null, Epoch: 1)).ToArray();
        await using var batchCommand = new NpgsqlBatch(connection, transaction) { BatchCommands = { GroupCommitStatement.For(tenant, writes, writes)! } };
        GroupCommitAnswer answer;
        await using (var reader = await batchCommand.ExecuteReaderAsync())
        {
            answer = await GroupCommitStatement.ReadAsync(reader, batch, batch, CancellationToken.None);
        }
        Assert.Equal(Enumerable.Repeat(true, batch), answer.Applied);
        Assert.Equal(Enumerable.Repeat(true, batch), answer.Linked);
        // The second round trip: the silo's MACs after the locked head, inserted with the new head.
        await using (var links = new NpgsqlBatch(connection, transaction) { BatchCommands = { ChainInsertStatement.For(tenant, TestAuditKeys.Ring, writes, answer.Linked, answer.Head!.Value) } })
        {
            await links.ExecuteNonQueryAsync();
        }
        var leaseRowsRead = await CountAsync(connection, transaction,
            "SELECT pg_stat_get_xact_tuples_returned('leases'::regclass) + pg_stat_get_xact_tuples_fetched('leases'::regclass)");
        // A lookup by key counts its index entry and its row; the fence looks each write's lease up once.
        Assert.True(leaseRowsRead <= 2 * batch, $"the fence read {leaseRowsRead} lease rows for {batch} writes ({batch + others} leases in the tenant)");
        var sessionRowsRead = await CountAsync(connection, transaction,
            "SELECT pg_stat_get_xact_tuples_returned('sessions'::regclass) + pg_stat_get_xact_tuples_fetched('sessions'::regclass)");
        // Each write's session row is looked up twice: by the update, and by the audit chain's check of which writes took effect.
        Assert.True(sessionRowsRead <= 4 * batch, $"the group read {sessionRowsRead} session rows for {batch} writes ({batch + others} sessions in the tenant)");
        Assert.Equal(batch, await CountAsync(connection, transaction, "SELECT count(*) FROM decisions WHERE chain_index IS NOT NULL"));
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (long)(await command.ExecuteScalarAsync())!;
    }

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
            var storage = new PostgresStorage(dataSource, new GroupCommitOptions(), TestAuditKeys.Ring);
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
