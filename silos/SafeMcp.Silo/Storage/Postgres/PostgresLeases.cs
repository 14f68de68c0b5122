using Npgsql;
using SafeMcp.Silo.Membership;
using SafeMcp.Silo.Runtime;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// Activation leases in the <c>leases</c> table. A lease is taken (its epoch bumped) when it is free, already
/// this incarnation's, or held by an incarnation the membership table no longer lists as active; and only by
/// an incarnation that is itself active. Writes check the epoch in the same statement (see <see cref="SessionWriteStatement"/> and <see cref="GroupCommitStatement"/>).
/// </summary>
internal sealed class PostgresLeases(NpgsqlDataSource dataSource, SiloMembership membership) : IActivationLeases
{
    public void ThrowIfFenced()
    {
        if (!membership.MayDecide)
        {
            throw new SiloFencedException("This silo could not renew its cluster membership in time; it does not decide until it can.");
        }
    }

    public async Task<long> AcquireAsync(GrainKey key, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var reader = await TenantBatch.ReadAsync(connection, TenantBatch.SetTenant(key.TenantId), """
                INSERT INTO leases AS l (tenant_id, grain_key, owner_address, owner_generation, epoch)
                SELECT $1, $2, $3, $4, 1
                WHERE EXISTS (SELECT 1 FROM membership WHERE address = $3 AND generation = $4 AND status = 'active')
                ON CONFLICT (tenant_id, grain_key) DO UPDATE
                    SET owner_address = EXCLUDED.owner_address, owner_generation = EXCLUDED.owner_generation, epoch = l.epoch + 1, acquired_at = now()
                    WHERE (l.owner_address = EXCLUDED.owner_address AND l.owner_generation = EXCLUDED.owner_generation)
                       OR NOT EXISTS (SELECT 1 FROM membership m WHERE m.address = l.owner_address AND m.generation = l.owner_generation AND m.status = 'active')
                RETURNING epoch
                """, [key.TenantId, key.Key, membership.Address, membership.Generation], cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return reader.GetInt64(0);
            }
        }
        catch (Exception error) when (PostgresStorage.IsUnavailable(error))
        {
            throw new StorageUnavailableException("The shared database cannot be reached.", error);
        }
        throw new LeaseHeldException($"Session {key} is active on another silo; retry shortly.");
    }

    public async Task ReleaseAsync(GrainKey key, long epoch)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var reader = await TenantBatch.ReadAsync(connection, TenantBatch.SetTenant(key.TenantId),
            "UPDATE leases SET owner_generation = -1 WHERE tenant_id = $1 AND grain_key = $2 AND epoch = $3 AND owner_address = $4",
            [key.TenantId, key.Key, epoch, membership.Address], CancellationToken.None).ConfigureAwait(false);
    }
}
