using System.Security.Cryptography;
using System.Text.Json;

namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>
/// The tamper-evident audit log: per tenant, every decision row carries <c>chain_hash = SHA-256(previous hash ‖ row)</c>
/// and its position <c>chain_index</c> (1, 2, …); the tenant's head (length and last hash) is updated in the same
/// transaction as the rows. Changing, reordering or deleting a row breaks the chain from that row on, and deleting the
/// newest rows leaves the head pointing past the end. The storage layer links rows at commit: one writer per tenant at a
/// time (SQLite: the single writer; PostgreSQL: the head row locked <c>FOR UPDATE</c> in the batch's transaction).
/// </summary>
public static class AuditChain
{
    /// <summary>The hash before the first row of every chain.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The hash of <paramref name="entry"/> linked after <paramref name="previousHash"/>.</summary>
    public static string Link(string previousHash, AuditChainEntry entry)
    {
        using var buffer = new MemoryStream(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(previousHash);
            writer.WriteStringValue(entry.TenantId);
            writer.WriteStringValue(entry.SessionId);
            writer.WriteNumberValue(entry.Sequence);
            writer.WriteNumberValue(entry.ChainIndex);
            writer.WriteStringValue(entry.Tool);
            writer.WriteStringValue(entry.Verdict);
            writer.WriteStringValue(entry.Reasons);
            writer.WriteStringValue(entry.Techniques);
            writer.WriteStringValue(entry.DecidedBy);
            writer.WriteStringValue(entry.Withheld);
            writer.WriteStringValue(entry.Arguments);
            if (entry.Thought is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(entry.Thought);
            }
            writer.WriteStringValue(entry.DecidedAt);
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>Checks a tenant's chain: <paramref name="rows"/> in chain order, with each row's stored hash, against the stored head.</summary>
    public static AuditVerification Verify(string tenantId, IEnumerable<(AuditChainEntry Entry, string StoredHash)> rows, long headLength, string? headHash)
    {
        var problems = new List<string>();
        var previous = Genesis;
        long expectedIndex = 1;
        long count = 0;
        foreach (var (entry, stored) in rows)
        {
            count++;
            if (entry.ChainIndex != expectedIndex)
            {
                problems.Add(entry.ChainIndex > expectedIndex
                    ? $"rows {expectedIndex}..{entry.ChainIndex - 1} of the chain are missing (deleted) before session {entry.SessionId} #{entry.Sequence}"
                    : $"chain index {entry.ChainIndex} appears again at session {entry.SessionId} #{entry.Sequence} (reordered or duplicated)");
            }
            var computed = Link(previous, entry);
            if (!string.Equals(computed, stored, StringComparison.Ordinal))
            {
                problems.Add($"row {entry.ChainIndex} (session {entry.SessionId} #{entry.Sequence}) does not match its hash: modified, reordered or a row before it changed");
            }
            // Continue from the stored hash so one modified row is reported once, not at every row after it.
            previous = stored;
            expectedIndex = entry.ChainIndex + 1;
        }
        if (count != headLength || (headLength > 0 && !string.Equals(previous, headHash, StringComparison.Ordinal)))
        {
            problems.Add($"the chain holds {count} rows ending in {Short(previous)}, the head records {headLength} rows ending in {Short(headHash ?? Genesis)}: rows were deleted or added outside the service");
        }
        return new AuditVerification(tenantId, count, problems);
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
