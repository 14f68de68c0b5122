using Npgsql;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// Shared storage for a cluster: PostgreSQL through one <see cref="NpgsqlDataSource"/>. Writes from all
/// sessions of the silo are group-committed: one transaction, one batch of statements, one round trip and
/// one WAL flush for many decisions. Every statement runs under the tenant it belongs to (row-level security).
/// </summary>
internal sealed class PostgresStorage : ISessionStore, ITenantStore, IStorageProbe, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommitter<SessionWrite> _committer;

    public PostgresStorage(NpgsqlDataSource dataSource, GroupCommitOptions groupCommit, PostgresStorageOptions? storageOptions = null)
    {
        _dataSource = dataSource;
        _committer = new GroupCommitter<SessionWrite>(CommitBatchAsync, groupCommit,
            transactionsInFlight: (storageOptions ?? new PostgresStorageOptions()).TransactionsInFlight);
    }

    /// <summary>Batches committed (for diagnostics and benchmarks).</summary>
    public long Batches => _committer.Batches;

    /// <summary>Writes committed (for diagnostics and benchmarks).</summary>
    public long Writes => _committer.Writes;

    public Task<StoredSession?> LoadAsync(string tenantId, string sessionId, int recentCalls, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recentCalls);
        return GuardAsync<StoredSession?>(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // One round trip. The two reads are two snapshots; a write between them is another activation's, whose
            // version makes this activation's first write fail, so the state it loaded is never built on.
            await using var reader = await TenantBatch.ReadAsync(connection, TenantBatch.SetTenant(tenantId),
            [
                TenantBatch.Statement("SELECT definition, state, version FROM sessions WHERE tenant_id = $1 AND session_id = $2", tenantId, sessionId),
                TenantBatch.Statement($"""
                    SELECT {AuditColumns.RecentCallColumns} FROM decisions
                    WHERE tenant_id = $1 AND session_id = $2 ORDER BY sequence DESC LIMIT $3
                    """, tenantId, sessionId, recentCalls),
            ], cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            var (definition, state, version) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return new StoredSession(definition, state, version, await AuditColumns.ReadRecentCallsAsync(reader, cancellationToken).ConfigureAwait(false));
        });
    }

    public Task CommitAsync(SessionWrite write, CancellationToken cancellationToken) =>
        _committer.CommitAsync(write, cancellationToken);

    public Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        GuardAsync<IReadOnlyList<Decision>>(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var reader = await TenantBatch.ReadAsync(connection, TenantBatch.SetTenant(tenantId), $"""
                SELECT {AuditColumns.DecisionColumns}
                FROM decisions WHERE tenant_id = $1 AND session_id = $2 AND sequence > $3
                ORDER BY sequence LIMIT $4
                """, [tenantId, sessionId, afterSequence, limit], cancellationToken).ConfigureAwait(false);
            var decisions = new List<Decision>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                decisions.Add(AuditColumns.ReadDecision(reader, sessionId, static (r, i) => r.GetFieldValue<DateTimeOffset>(i)));
            }
            return decisions;
        });

    public async Task CreateTenantAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        var created = await ScalarAsync<int>(TenantBatch.SetTenant(tenantId), """
            WITH ins AS (INSERT INTO tenants (tenant_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1),
                 total AS (UPDATE tenant_totals SET tenants = tenants + (SELECT count(*) FROM ins) WHERE id = 1)
            SELECT count(*)::int FROM ins
            """, [tenantId, name], cancellationToken).ConfigureAwait(false);
        if (created == 0)
        {
            throw new InvalidOperationException($"Tenant '{tenantId}' already exists.");
        }
    }

    public async Task AddKeyAsync(string tenantId, string keyHash, string keyPrefix, KeyRole role, CancellationToken cancellationToken)
    {
        var added = await ScalarAsync<int>(TenantBatch.SetTenant(tenantId), """
            WITH ins AS (INSERT INTO api_keys (key_hash, tenant_id, key_prefix, role) SELECT $1, tenant_id, $2, $4 FROM tenants WHERE tenant_id = $3 RETURNING 1)
            SELECT count(*)::int FROM ins
            """, [keyHash, keyPrefix, tenantId, KeyOwner.StoredName(role)], cancellationToken).ConfigureAwait(false);
        if (added == 0)
        {
            throw new InvalidOperationException($"Tenant '{tenantId}' does not exist.");
        }
    }

    public async Task<KeyOwner?> FindKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        // One round trip: the tenant and the role joined in one text ("tenant/role"; tenant ids have no '/').
        var found = await ScalarAsync<string?>(TenantBatch.SetLocal("safemcp.key_hash", keyHash),
            "SELECT tenant_id || '/' || role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL", [keyHash], cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }
        var slash = found.LastIndexOf('/');
        return new KeyOwner(found[..slash], KeyOwner.ParseStored(found[(slash + 1)..]));
    }

    public Task<long> CountTenantsAsync(CancellationToken cancellationToken) =>
        ScalarAsync<long>(TenantBatch.SetLocal("safemcp.tenant", ""), "SELECT tenants FROM tenant_totals WHERE id = 1", [], cancellationToken);

    public string Name => "postgres";

    public DurationHistogram CommitWait => _committer.CommitWait;

    // PostgreSQL syncs its log inside each commit: the commit wait holds it.
    public DurationHistogram? LogSync => null;

    /// <summary>Whether the database answers a trivial query (readiness).</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    private async Task<Exception?[]> CommitBatchAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        // One batch, one round trip: without an explicit transaction the whole batch is one implicit transaction,
        // committed (WAL flushed) before the server reports ready, which the reader's disposal waits for. A stale
        // write is not an error (it changes nothing), so it cannot undo the others.
        // Writes are grouped by tenant (stable, so one session's writes keep their order). A group is set_config, a
        // statement for each write that is not a common one (GroupCommitStatement.IsCommon), then one statement that
        // applies the common writes together and links the group's decisions to the tenant's audit chain.
        // The groups run in ordinal tenant order, which is the order the batch locks tenants' chain heads: batches of
        // different silos never wait on each other's heads in a cycle.
        var groups = Enumerable.Range(0, writes.Count)
            .GroupBy(i => writes[i].TenantId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => TenantGroup.Of(g.Key, g.ToArray(), writes))
            .ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var group in groups)
        {
            batch.BatchCommands.Add(TenantBatch.SetTenant(group.Tenant));
            foreach (var i in group.Single)
            {
                batch.BatchCommands.Add(SessionWriteStatement.For(writes[i]));
            }
            if (GroupCommitStatement.For(group.Tenant, [.. group.Common.Select(i => writes[i])], [.. group.Audited.Select(i => writes[i])]) is { } statement)
            {
                batch.BatchCommands.Add(statement);
            }
        }

        var results = new Exception?[writes.Count];
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            // The reader starts on the first group's set_config; each NextResult moves to the next statement's result.
            for (var g = 0; g < groups.Length; g++)
            {
                var group = groups[g];
                if (g > 0)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // onto this group's set_config
                }
                foreach (var i in group.Single)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (reader.GetInt32(0) != 1)
                    {
                        results[i] = Stale(writes[i]);
                    }
                }
                if (group.Common.Length > 0 || group.Audited.Length > 0)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var tookEffect = GroupCommitStatement.Applied(reader.GetFieldValue<long[]>(0), group.Common.Length);
                    for (var c = 0; c < group.Common.Length; c++)
                    {
                        if (!tookEffect[c])
                        {
                            results[group.Common[c]] = Stale(writes[group.Common[c]]);
                        }
                    }
                }
            }
        }
        return results;
    }

    private static StaleStateException Stale(SessionWrite write) => new(
        $"Session {write.TenantId}/{write.SessionId}: stored version is not {write.ExpectedVersion} or lease epoch {write.Epoch} is no longer current.");

    /// <summary>A tenant's writes in a batch (indexes into the batch): those with a statement of their own, the common ones, those with a decision.</summary>
    private sealed record TenantGroup(string Tenant, int[] Single, int[] Common, int[] Audited)
    {
        public static TenantGroup Of(string tenant, int[] members, IReadOnlyList<SessionWrite> writes)
        {
            var audited = members.Where(i => writes[i].Audit is not null).ToArray();
            // A session has at most one write in a batch (its grain waits for the commit). Should one have two, the group
            // keeps a statement a write, which runs them in order.
            if (members.Select(i => writes[i].SessionId).Distinct(StringComparer.Ordinal).Count() != members.Length)
            {
                return new TenantGroup(tenant, members, [], audited);
            }
            return new TenantGroup(tenant, [.. members.Where(i => !GroupCommitStatement.IsCommon(writes[i]))],
                [.. members.Where(i => GroupCommitStatement.IsCommon(writes[i]))], audited);
        }
    }

    private async Task<T> ScalarAsync<T>(NpgsqlBatchCommand scope, string sql, object?[] values, CancellationToken cancellationToken) =>
        await GuardAsync(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var reader = await TenantBatch.ReadAsync(connection, scope, sql, values, cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false)
                ? reader.GetFieldValue<T>(0)
                : default!;
        }).ConfigureAwait(false);

    /// <summary>Runs <paramref name="action"/>; the database being unreachable becomes <see cref="StorageUnavailableException"/> (503, fail closed).</summary>
    internal static Task GuardAsync(Func<Task> action) => GuardAsync(async () =>
    {
        await action().ConfigureAwait(false);
        return true;
    });

    /// <summary>Runs <paramref name="action"/>; the database being unreachable becomes <see cref="StorageUnavailableException"/> (503, fail closed).</summary>
    internal static async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception error) when (IsUnavailable(error))
        {
            throw new StorageUnavailableException("The shared database cannot be reached.", error);
        }
    }

    /// <summary>Whether <paramref name="error"/> means the database is unreachable or shutting down (not a refused statement).</summary>
    public static bool IsUnavailable(Exception error) =>
        error is TimeoutException or NpgsqlException { IsTransient: true } || (error is NpgsqlException && error is not PostgresException);

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync().ConfigureAwait(false);
    }
}
