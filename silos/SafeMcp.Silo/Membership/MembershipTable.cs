using Npgsql;

namespace SafeMcp.Silo.Membership;

/// <summary>The membership table in PostgreSQL (no tenant data: not under row-level security).</summary>
internal sealed class MembershipTable(NpgsqlDataSource dataSource)
{
    /// <summary>Adds a new incarnation of <paramref name="address"/> (older ones become dead) and returns its generation.</summary>
    public async Task<long> JoinAsync(string address, string internalUrl, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH old AS (UPDATE membership SET status = 'dead' WHERE address = $1 AND status = 'active' RETURNING 1),
                 ins AS (INSERT INTO membership (address, generation, internal_url, name, status)
                         SELECT $1, coalesce(max(generation), 0) + 1, $2, $3, 'active' FROM membership WHERE address = $1
                         RETURNING generation),
                 v AS (UPDATE membership_version SET version = version + 1 WHERE id = 1)
            SELECT generation FROM ins
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = address });
        command.Parameters.Add(new NpgsqlParameter { Value = internalUrl });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Renews the row of (<paramref name="address"/>, <paramref name="generation"/>). False: it was declared dead.</summary>
    public async Task<bool> HeartbeatAsync(string address, long generation, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE membership SET heartbeat_at = now() WHERE address = $1 AND generation = $2 AND status = 'active'");
        command.Parameters.Add(new NpgsqlParameter { Value = address });
        command.Parameters.Add(new NpgsqlParameter { Value = generation });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Declares dead every active silo silent for <paramref name="deadAfter"/>, in one conditional update:
    /// only if the table version is still <paramref name="seenVersion"/>, which it bumps. Returns how many died.
    /// </summary>
    public async Task<int> DeclareDeadAsync(long seenVersion, TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH v AS (UPDATE membership_version SET version = version + 1
                       WHERE id = 1 AND version = $1
                         AND EXISTS (SELECT 1 FROM membership WHERE status = 'active' AND heartbeat_at < now() - make_interval(secs => $2))
                       RETURNING version),
                 d AS (UPDATE membership SET status = 'dead'
                       WHERE status = 'active' AND heartbeat_at < now() - make_interval(secs => $2) AND EXISTS (SELECT 1 FROM v)
                       RETURNING 1)
            SELECT count(*)::int FROM d
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = seenVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = deadAfter.TotalSeconds });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Marks this incarnation as having left (graceful stop).</summary>
    public async Task LeaveAsync(string address, long generation, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH l AS (UPDATE membership SET status = 'left' WHERE address = $1 AND generation = $2 AND status = 'active' RETURNING 1)
            UPDATE membership_version SET version = version + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM l)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = address });
        command.Parameters.Add(new NpgsqlParameter { Value = generation });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The table version.</summary>
    public async Task<long> ReadVersionAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM membership_version WHERE id = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The version and the active silos, read together.</summary>
    public async Task<MembershipView> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT v.version, m.address, m.generation, m.internal_url, m.name
            FROM membership_version v LEFT JOIN membership m ON m.status = 'active'
            WHERE v.id = 1 ORDER BY m.address
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long version = 0;
        var members = new List<SiloMember>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            version = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                members.Add(new SiloMember(reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
            }
        }
        return new MembershipView(version, members);
    }
}
