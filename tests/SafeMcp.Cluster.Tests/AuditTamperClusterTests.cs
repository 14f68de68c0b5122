using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Cluster.Tests;

/// <summary>
/// An attacker with write access to the cluster's database (its superuser where the test knows it) but not
/// the silos' audit key file. With the
/// unkeyed SHA-256 chain computed in SQL, rewriting a decision and recomputing every hash and the head passed
/// <c>audit verify</c>; now the MACs are the silo's, and what the chain cannot show (a truncated tail) an anchor does.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class AuditTamperClusterTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_database_writer_can_neither_rewrite_the_chain_nor_truncate_it_past_an_anchor()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 1);
        var (tenant, key) = await cluster.CreateTenantAsync("tamper");
        using var client = TestCluster.Client(key, cluster.Silos[0]);
        await client.OpenSessionAsync(TestCluster.Session("t1"));
        for (var i = 0; i < 6; i++)
        {
            await client.DecideAsync("t1", new DecideRequest(i % 2 == 0 ? "read_notes" : "http_post"));
        }
        var anchor = Path.Combine(Path.GetTempPath(), $"safemcp-anchor-{Guid.NewGuid():N}.json");
        try
        {
            var (anchored, anchorOutput) = await CliAsync(cluster, "anchor", "--tenant", tenant, "--output", anchor);
            Assert.True(anchored == 0, anchorOutput);
            Assert.Equal(0, (await CliAsync(cluster, "verify", "--tenant", tenant, "--anchor", anchor)).ExitCode);

            // Rewritten: a deny becomes an allow, every hash after it and the head recomputed (SHA-256, no key ids).
            await using (var connection = new NpgsqlConnection(postgres.SuperuserConnectionString ?? cluster.ConnectionString))
            await using (var transaction = await TestCluster.BeginAsTenantAsync(connection, tenant))
            {
                await ExecuteAsync(connection, "UPDATE decisions SET verdict = 'allow', key_id = NULL WHERE tenant_id = $1", tenant);
                await RelinkAsync(connection, tenant);
                await transaction.CommitAsync();
            }
            var (rewritten, rewrittenOutput) = await CliAsync(cluster, "verify", "--tenant", tenant);
            Assert.True(rewritten == 1, rewrittenOutput);
            Assert.Contains($"{tenant}: TAMPERED", rewrittenOutput);

            // Truncated: the last two rows deleted and the head moved back onto the rows left (a consistent older state).
            await using (var connection = new NpgsqlConnection(postgres.SuperuserConnectionString ?? cluster.ConnectionString))
            await using (var transaction = await TestCluster.BeginAsTenantAsync(connection, tenant))
            {
                await ExecuteAsync(connection, "DELETE FROM decisions WHERE tenant_id = $1 AND chain_index > 4", tenant);
                await ExecuteAsync(connection, "UPDATE audit_chain_heads SET length = 4, head_hash = (SELECT chain_hash FROM decisions WHERE tenant_id = $1 AND chain_index = 4) WHERE tenant_id = $1", tenant);
                await transaction.CommitAsync();
            }
            var (truncated, truncatedOutput) = await CliAsync(cluster, "verify", "--tenant", tenant, "--anchor", anchor);
            Assert.True(truncated == 1, truncatedOutput);
            Assert.Contains("the chain holds 4 rows, the anchor recorded 6", truncatedOutput);
        }
        finally
        {
            File.Delete(anchor);
        }
    }

    private static Task<(int ExitCode, string Output)> CliAsync(TestCluster cluster, string command, params string[] args) =>
        SafemcpCli.RunAsync(["audit", command, "--postgres", cluster.ConnectionString, "--audit-keys", cluster.AuditKeyFile, .. args]);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string tenant)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = tenant } } };
        Assert.True(await command.ExecuteNonQueryAsync() > 0, $"changed nothing: {sql}");
    }

    /// <summary>The published chain of schema 3, recomputed over the rows as they now are: what anyone without the key can do.</summary>
    private static async Task RelinkAsync(NpgsqlConnection connection, string tenant)
    {
        var rows = new List<(long Index, string Session, long Sequence, string?[] Tail)>();
        await using (var read = new NpgsqlCommand("""
            SELECT chain_index, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at
            FROM decisions WHERE tenant_id = $1 ORDER BY chain_index
            """, connection) { Parameters = { new NpgsqlParameter { Value = tenant } } })
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var tail = Enumerable.Range(3, 8).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i)).ToList();
                tail.Add(reader.GetFieldValue<DateTimeOffset>(11).ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), [.. tail]));
            }
        }
        var previous = new string('0', 64);
        foreach (var (index, session, sequence, tail) in rows)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(previous);
                writer.WriteStringValue(tenant);
                writer.WriteStringValue(session);
                writer.WriteNumberValue(sequence);
                writer.WriteNumberValue(index);
                foreach (var field in tail)
                {
                    if (field is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        writer.WriteStringValue(field);
                    }
                }
                writer.WriteEndArray();
            }
            previous = Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
            await using var update = new NpgsqlCommand("UPDATE decisions SET chain_hash = $2 WHERE tenant_id = $1 AND chain_index = $3", connection)
            {
                Parameters = { new NpgsqlParameter { Value = tenant }, new NpgsqlParameter { Value = previous }, new NpgsqlParameter { Value = index } },
            };
            await update.ExecuteNonQueryAsync();
        }
        await using var head = new NpgsqlCommand("UPDATE audit_chain_heads SET length = $2, head_hash = $3 WHERE tenant_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = tenant }, new NpgsqlParameter { Value = (long)rows.Count }, new NpgsqlParameter { Value = previous } },
        };
        await head.ExecuteNonQueryAsync();
    }
}
