using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Defenses.Tests;

public sealed class AuditChainTests
{
    private static readonly AuditKeyRing s_keys = AuditKeyRing.Parse(
        "old " + Convert.ToBase64String(new byte[32]) + "\nk2 " + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()), "test");

    private static List<AuditChainRecord> Chain(int rows)
    {
        var chain = new List<AuditChainRecord>();
        var previous = AuditChain.Genesis;
        for (var i = 1; i <= rows; i++)
        {
            var entry = new AuditChainEntry("t", "s", i, i, "tool", "allow", "[]", "[]", "[\"rules\"]", "[]", "{}", null, $"2026-01-01T00:00:0{i}Z", s_keys.CurrentKeyId);
            previous = AuditChain.Link(s_keys, previous, entry);
            chain.Add(new AuditChainRecord(entry, previous, null, null));
        }
        return chain;
    }

    [Fact]
    public void Untouched_chain_verifies()
    {
        var chain = Chain(4);
        Assert.True(AuditChain.Verify("t", chain, 4, chain[^1].StoredHash, s_keys).IsIntact);
    }

    [Fact]
    public void Modified_row_is_found()
    {
        var chain = Chain(4);
        chain[1] = chain[1] with { Entry = chain[1].Entry with { Verdict = "deny" } };
        var result = AuditChain.Verify("t", chain, 4, chain[^1].StoredHash, s_keys);
        Assert.Contains(result.Problems, p => p.StartsWith("row 2 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Deleted_row_in_the_middle_is_found()
    {
        var chain = Chain(4);
        chain.RemoveAt(1);
        Assert.Contains(AuditChain.Verify("t", chain, 4, chain[^1].StoredHash, s_keys).Problems, p => p.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Deleted_newest_row_is_found_by_the_head()
    {
        var chain = Chain(4);
        var head = chain[^1].StoredHash;
        chain.RemoveAt(3);
        Assert.False(AuditChain.Verify("t", chain, 4, head, s_keys).IsIntact);
    }

    [Fact]
    public void Swapped_rows_are_found()
    {
        var chain = Chain(4);
        (chain[1], chain[2]) = (chain[2] with { Entry = chain[2].Entry with { ChainIndex = 2 } }, chain[1] with { Entry = chain[1].Entry with { ChainIndex = 3 } });
        Assert.False(AuditChain.Verify("t", chain, 4, chain[^1].StoredHash, s_keys).IsIntact);
    }

    [Fact]
    public void Row_mac_is_hmac_sha256_of_the_row_under_its_key_and_unkeyed_rows_keep_the_sha256_of_schema_3()
    {
        var entry = new AuditChainEntry("t\"é", "s<1>", 42, 1234567, "tool\u2028", "allow", "[\"a&b\"]", "[]", "[\"rules\"]", "[]", "{\"p\":\"\\\\x\"}", null,
            "2026-01-01T00:00:00.1234560+00:00");
        var previous = new string('a', 64);
        foreach (var thought in new string?[] { null, "because \"so\"\n" })
        {
            var row = entry with { Thought = thought };
            Assert.Equal(WholeRowHash(previous, row, null), AuditChain.Link(s_keys, previous, row));
            foreach (var id in new[] { "old", "k2" })
            {
                Assert.Equal(WholeRowHash(previous, row with { KeyId = id }, s_keys.Key(id)), AuditChain.Link(s_keys, previous, row with { KeyId = id }));
            }
        }
    }

    [Fact]
    public void Rows_linked_one_after_another_on_one_thread_do_not_leak_into_each_other()
    {
        // Link writes each row into a buffer the thread reuses (dropped after a row larger than it keeps): a long row must
        // leave nothing behind for a short one.
        var previous = new string('b', 64);
        var shortRow = new AuditChainEntry("t", "s", 1, 1, "read_file", "allow", "[]", "[]", "[\"rules\"]", "[]", "{}", null, "2026-01-01T00:00:00.0000000+00:00", "k2");
        var longRow = shortRow with { Arguments = "{\"content\":\"" + new string('x', 100_000) + "\"}", Thought = new string('y', 3000) };
        foreach (var row in new[] { shortRow, longRow, shortRow, longRow with { Thought = null }, shortRow })
        {
            Assert.Equal(WholeRowHash(previous, row, s_keys.Key("k2")), AuditChain.Link(s_keys, previous, row));
        }
    }

    private static string WholeRowHash(string previous, AuditChainEntry e, byte[]? key)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var text in e.KeyId is null ? new[] { previous, e.TenantId, e.SessionId } : [previous, e.KeyId, e.TenantId, e.SessionId])
            {
                writer.WriteStringValue(text);
            }
            writer.WriteNumberValue(e.Sequence);
            writer.WriteNumberValue(e.ChainIndex);
            foreach (var text in new[] { e.Tool, e.Verdict, e.Reasons, e.Techniques, e.DecidedBy, e.Withheld, e.Arguments, e.Thought })
            {
                if (text is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(text);
                }
            }
            writer.WriteStringValue(e.DecidedAt);
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(key is null
            ? System.Security.Cryptography.SHA256.HashData(buffer.ToArray())
            : System.Security.Cryptography.HMACSHA256.HashData(key, buffer.ToArray()));
    }
}
