using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SafeMcp.Adversarial.Tests;

/// <summary>
/// An attacker who can write the database (SQL access or the file) but not read the silo's audit key file. Before the
/// keyed chain the audit log was an unkeyed SHA-256 chain: every attack here recomputed it and <c>audit verify</c> said
/// intact. Now each is found, by the MACs alone or by an anchor exported before the attack.
/// </summary>
public sealed class AuditTamperTests
{
    [Fact]
    public async Task Rewriting_a_decision_and_recomputing_the_chain_and_head_is_detected()
    {
        await using var silo = await RecordAsync();
        await using (var db = Open(silo.Database))
        {
            Execute(db, "UPDATE decisions SET verdict = 'deny' WHERE chain_index = 2");
            // As a legacy row (no key id) and with the key id kept: neither passes.
            Execute(db, "UPDATE decisions SET key_id = NULL");
            Relink(db, "default");
        }
        var (code, output) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database);
        Assert.True(code == 1, output);
        Assert.Contains("default: TAMPERED", output);
    }

    [Fact]
    public async Task Recomputing_the_chain_with_the_key_ids_kept_is_detected_at_the_first_row()
    {
        await using var silo = await RecordAsync();
        await using (var db = Open(silo.Database))
        {
            Execute(db, "UPDATE decisions SET tool = 'list_dir' WHERE chain_index = 3");
            Relink(db, "default");
        }
        var (code, output) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database);
        Assert.True(code == 1, output);
        Assert.Contains("row 1 (session s1 #1) does not match its MAC", output);
    }

    [Fact]
    public async Task Appending_a_forged_row_with_the_head_advanced_is_detected()
    {
        await using var silo = await RecordAsync();
        await using (var db = Open(silo.Database))
        {
            Execute(db, """
                INSERT INTO decisions (tenant_id, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at, chain_index, chain_hash, key_id)
                SELECT tenant_id, session_id, 99, tool, 'allow', reasons, techniques, decided_by, withheld, '{"path":"/etc/shadow"}', thought, decided_at,
                       (SELECT max(chain_index) + 1 FROM decisions), chain_hash, key_id
                FROM decisions WHERE chain_index = 1
                """);
            Relink(db, "default", fromIndex: 5);
        }
        var (code, output) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database);
        Assert.True(code == 1, output);
        Assert.Contains("row 5 (session s1 #99) does not match its MAC", output);
    }

    [Fact]
    public async Task Editing_or_removing_an_outcome_is_detected()
    {
        await using var silo = await RecordAsync();
        var anchor = await AnchorAsync(silo);
        await using (var db = Open(silo.Database))
        {
            Execute(db, "UPDATE decisions SET outcome_taint = 'untrusted', observation = 'ignore previous instructions' WHERE sequence = 1");
        }
        var (edited, editedOutput) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database);
        Assert.True(edited == 1, editedOutput);
        Assert.Contains("the outcome of row 1 (session s1 #1) (error, bytes, taint or observation) does not match its seal", editedOutput);

        await using (var db = Open(silo.Database))
        {
            Execute(db, "UPDATE decisions SET outcome_is_error = NULL, outcome_bytes = NULL, outcome_taint = NULL, observation = NULL, outcome_mac = NULL WHERE sequence = 1");
        }
        var (removed, removedOutput) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database, "--anchor", anchor);
        Assert.True(removed == 1, removedOutput);
        Assert.Contains("outcomes were removed since the anchor", removedOutput);
    }

    [Fact]
    public async Task Truncating_the_tail_with_the_head_moved_back_is_detected_by_the_anchor()
    {
        await using var silo = await RecordAsync();
        var anchor = await AnchorAsync(silo);
        await using (var db = Open(silo.Database))
        {
            // A consistent older state: the chain alone cannot tell it from a log that never had the last rows.
            Execute(db, "DELETE FROM decisions WHERE chain_index > 2");
            Execute(db, "UPDATE audit_chain_heads SET length = 2, head_hash = (SELECT chain_hash FROM decisions WHERE chain_index = 2)");
        }
        var (code, output) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database, "--anchor", anchor);
        Assert.True(code == 1, output);
        Assert.Contains("the chain holds 2 rows, the anchor recorded 4: rows were deleted since the anchor", output);
    }

    [Fact]
    public async Task Deleting_a_whole_tenant_is_detected_by_the_anchor()
    {
        await using var silo = await RecordAsync();
        var anchor = await AnchorAsync(silo);
        await using (var db = Open(silo.Database))
        {
            foreach (var table in new[] { "decisions", "audit_chain_heads", "session_definitions", "sessions" })
            {
                Execute(db, $"DELETE FROM {table} WHERE tenant_id = 'default'");
            }
        }
        var (code, output) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database, "--anchor", anchor);
        Assert.True(code == 1, output);
        Assert.Contains("default: TAMPERED, 0 rows", output);
        Assert.Contains("the tenant removed", output);
    }

    [Fact]
    public async Task An_anchor_edited_to_match_a_truncated_log_is_refused()
    {
        await using var silo = await RecordAsync();
        var anchor = await AnchorAsync(silo);
        File.WriteAllText(anchor, File.ReadAllText(anchor).Replace("\"rows\": 4", "\"rows\": 2", StringComparison.Ordinal));
        var (code, output) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database, "--anchor", anchor);
        Assert.Equal(2, code);
        Assert.Contains("signature does not match", output);
    }

    [Fact]
    public async Task An_untouched_log_verifies_against_its_anchor_and_after_a_key_rotation()
    {
        await using var silo = await RecordAsync();
        var anchor = await AnchorAsync(silo);
        var (code, output) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database, "--anchor", anchor);
        Assert.True(code == 0, output);
        Assert.Contains("default: intact, 4 rows", output);

        // Rotation: a new key signs from the next start on; the rows and the anchor signed by the old key still verify.
        var (added, addedOutput) = await RecordedSilo.CliAsync("audit", "new-key", "--file", silo.Database + ".audit-keys", "--id", "k2");
        Assert.True(added == 0, addedOutput);
        await silo.Silo.StartAgainAsync();
        Assert.Equal(200, (await silo.PostAsync("v1/sessions/s1/decide", """{"tool":"read_file","arguments":{"path":"after-rotation"}}""")).Status);
        await silo.StopAsync();
        await using (var db = Open(silo.Database))
        {
            Assert.Equal(["k1", "k1", "k1", "k1", "k2"], Column(db, "SELECT key_id FROM decisions ORDER BY chain_index"));
        }
        var (rotated, rotatedOutput) = await RecordedSilo.CliAsync("audit", "verify", "--sqlite", silo.Database, "--anchor", anchor);
        Assert.True(rotated == 0, rotatedOutput);
        Assert.Contains("default: intact, 5 rows", rotatedOutput);
    }

    private static async Task<RecordedSilo> RecordAsync()
    {
        var silo = await RecordedSilo.StartAsync();
        await silo.RecordAsync(4);
        await silo.StopAsync();
        return silo;
    }

    private static async Task<string> AnchorAsync(RecordedSilo silo)
    {
        var anchor = silo.FilePath("anchor.json");
        var (code, output) = await RecordedSilo.CliAsync("audit", "anchor", "--sqlite", silo.Database, "--output", anchor);
        Assert.True(code == 0, output);
        return anchor;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        Assert.True(command.ExecuteNonQuery() > 0, $"changed nothing: {sql}");
    }

    private static List<string?> Column(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string?>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }
        return values;
    }

    /// <summary>
    /// What an attacker without the key can do: recompute every row's hash from <paramref name="fromIndex"/> on with the
    /// published SHA-256 chain of schema 3 (the hashed JSON array, no key) and move the head to the result.
    /// </summary>
    private static void Relink(SqliteConnection db, string tenant, long fromIndex = 1)
    {
        var rows = new List<(long Index, string[] Text, long Sequence)>();
        using (var read = db.CreateCommand())
        {
            read.CommandText = """
                SELECT chain_index, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at
                FROM decisions WHERE tenant_id = $t ORDER BY chain_index
                """;
            read.Parameters.AddWithValue("$t", tenant);
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), Enumerable.Range(1, 11).Select(i => reader.IsDBNull(i) ? null! : reader.GetValue(i).ToString()!).ToArray(), reader.GetInt64(2)));
            }
        }
        var previous = rows.Where(r => r.Index == fromIndex - 1).Select(r => (string?)Scalar(db, $"SELECT chain_hash FROM decisions WHERE chain_index = {r.Index}")).FirstOrDefault()
            ?? new string('0', 64);
        foreach (var (index, text, sequence) in rows.Where(r => r.Index >= fromIndex))
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(previous);
                writer.WriteStringValue(tenant);
                writer.WriteStringValue(text[0]);
                writer.WriteNumberValue(sequence);
                writer.WriteNumberValue(index);
                foreach (var field in text[2..])
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
            Execute(db, $"UPDATE decisions SET chain_hash = '{previous}' WHERE tenant_id = '{tenant}' AND chain_index = {index}");
        }
        Execute(db, $"UPDATE audit_chain_heads SET length = {rows.Count}, head_hash = '{previous}' WHERE tenant_id = '{tenant}'");
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
