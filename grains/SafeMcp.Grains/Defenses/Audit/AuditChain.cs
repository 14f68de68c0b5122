using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>
/// The tamper-evident audit log: per tenant, every decision row carries
/// <c>chain_hash = HMAC-SHA256(key, previous MAC ‖ key id ‖ row)</c>, the id of the key (<c>key_id</c>) and its position
/// <c>chain_index</c> (1, 2, …); the tenant's head (length and last MAC) is updated in the same transaction as the rows.
/// The key is the silo's (<see cref="AuditKeyRing"/>), never the database's: whoever can write the database but not read
/// the key file cannot rewrite, insert, reorder or delete a row without breaking every MAC from that row on. A row's
/// outcome, reported later, is sealed on its own (<see cref="SealOutcome"/>). Truncating the newest rows and moving the
/// head back is a consistent older state: only an anchor exported out of band (<c>safemcp audit anchor</c>) shows it.
/// </summary>
/// <remarks>
/// The MAC'd text is the JSON array <c>[previousHash, keyId, tenant, session, sequence, chainIndex, tool, …, decidedAt]</c>.
/// Rows written before keys existed (no key id) were linked with plain SHA-256 over the same array without the key id:
/// they are verified that way and counted as unkeyed, and are accepted only before the first keyed row.
/// </remarks>
public static class AuditChain
{
    /// <summary>The hash before the first row of every chain.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// The MAC of <paramref name="entry"/> linked after <paramref name="previousHash"/>, under the key
    /// <see cref="AuditChainEntry.KeyId"/> names (SHA-256 alone for an unkeyed row of before keys existed).
    /// </summary>
    /// <exception cref="KeyNotFoundException">The ring does not hold the row's key.</exception>
    public static string Link(AuditKeyRing keys, string previousHash, AuditChainEntry entry)
    {
        var key = entry.KeyId is { } id ? keys.Key(id) : null;
        var text = t_text ??= new RowText();
        var writer = text.Start();
        writer.WriteStartArray();
        WritePreviousHash(writer, previousHash);
        if (entry.KeyId is not null)
        {
            writer.WriteStringValue(entry.KeyId);
        }
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
        WriteNullable(writer, entry.Thought);
        writer.WriteStringValue(entry.DecidedAt);
        writer.WriteEndArray();
        var hash = Mac(key, text.Written(writer));
        RowText.Release(text);
        return hash;
    }

    /// <summary>
    /// The seal of a row's outcome: <c>keyId:HMAC-SHA256(key, ["outcome", keyId, tenant, session, sequence, isError, bytes, taint, observation])</c>
    /// under the ring's current key. It names its key, so outcomes sealed before a rotation still verify.
    /// </summary>
    public static string SealOutcome(AuditKeyRing keys, string tenantId, string sessionId, long sequence, AuditOutcome outcome) =>
        Seal(keys.CurrentKeyId, keys.Key(keys.CurrentKeyId), tenantId, sessionId, sequence, outcome);

    private static string Seal(string keyId, byte[] key, string tenantId, string sessionId, long sequence, AuditOutcome outcome)
    {
        var text = t_text ??= new RowText();
        var writer = text.Start();
        writer.WriteStartArray();
        writer.WriteStringValue("outcome");
        writer.WriteStringValue(keyId);
        writer.WriteStringValue(tenantId);
        writer.WriteStringValue(sessionId);
        writer.WriteNumberValue(sequence);
        writer.WriteBooleanValue(outcome.IsError);
        writer.WriteNumberValue(outcome.Bytes);
        WriteNullable(writer, outcome.Taint);
        WriteNullable(writer, outcome.Observation);
        writer.WriteEndArray();
        var mac = Mac(key, text.Written(writer));
        RowText.Release(text);
        return keyId + ":" + mac;
    }

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    /// <summary>The previous hash goes in as it is stored, between quotes and unescaped.</summary>
    private static void WritePreviousHash(Utf8JsonWriter writer, string previousHash)
    {
        var quoted = previousHash.Length <= 128 ? stackalloc char[previousHash.Length + 2] : new char[previousHash.Length + 2];
        quoted[0] = '"';
        previousHash.CopyTo(quoted[1..]);
        quoted[^1] = '"';
        writer.WriteRawValue(quoted, skipInputValidation: true);
    }

    private static string Mac(byte[]? key, ReadOnlySpan<byte> text)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (key is null)
        {
            SHA256.HashData(text, hash);
        }
        else
        {
            HMACSHA256.HashData(key, text, hash);
        }
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether two MACs are equal, in time independent of where they differ.</summary>
    private static bool SameMac(string a, string? b) =>
        b is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(a), System.Text.Encoding.ASCII.GetBytes(b));

    [ThreadStatic]
    private static RowText? t_text;

    /// <summary>A thread's buffer and writer for the text of one row at a time.</summary>
    private sealed class RowText
    {
        /// <summary>A buffer grown past this by an unusually large row is dropped rather than kept by the thread.</summary>
        private const int KeptCapacity = 64 * 1024;

        /// <summary>Called after each use: keeps the buffer for the thread's next row unless a large row grew it.</summary>
        public static void Release(RowText text)
        {
            if (text._buffer.Capacity > KeptCapacity)
            {
                t_text = null;
            }
        }

        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _writer;

        public RowText() => _writer = new Utf8JsonWriter(_buffer);

        public Utf8JsonWriter Start()
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            return _writer;
        }

        public ReadOnlySpan<byte> Written(Utf8JsonWriter writer)
        {
            writer.Flush();
            return _buffer.WrittenSpan;
        }
    }

    /// <summary>
    /// Checks a tenant's chain: <paramref name="rows"/> in chain order against the stored head and, when given, against
    /// an <paramref name="anchor"/> exported earlier (which shows rows deleted at the end, or the whole tenant, since).
    /// Unkeyed rows are a problem unless <paramref name="acceptUnkeyed"/> (rows written before an upgrade to keys): anyone
    /// who can write the database can recompute their SHA-256 chain.
    /// </summary>
    public static AuditVerification Verify(string tenantId, IEnumerable<AuditChainRecord> rows, long headLength, string? headHash, AuditKeyRing keys,
        AuditAnchorTenant? anchor = null, bool acceptUnkeyed = false)
    {
        var problems = new List<string>();
        var previous = Genesis;
        long expectedIndex = 1;
        long count = 0;
        long unkeyed = 0;
        long outcomes = 0;
        var keyedSeen = false;
        string? anchoredRowHash = null;
        foreach (var (entry, stored, outcome, seal) in rows)
        {
            count++;
            var at = $"row {entry.ChainIndex} (session {entry.SessionId} #{entry.Sequence})";
            if (entry.ChainIndex != expectedIndex)
            {
                problems.Add(entry.ChainIndex > expectedIndex
                    ? $"rows {expectedIndex}..{entry.ChainIndex - 1} of the chain are missing (deleted) before session {entry.SessionId} #{entry.Sequence}"
                    : $"chain index {entry.ChainIndex} appears again at session {entry.SessionId} #{entry.Sequence} (reordered or duplicated)");
            }
            if (entry.KeyId is null)
            {
                unkeyed++;
                if (keyedSeen)
                {
                    problems.Add($"{at} has no key id after keyed rows: rewritten to escape the MAC");
                }
            }
            else
            {
                keyedSeen = true;
            }
            try
            {
                if (!SameMac(Link(keys, previous, entry), stored))
                {
                    problems.Add($"{at} does not match its MAC: modified, reordered or a row before it changed");
                }
            }
            catch (KeyNotFoundException)
            {
                problems.Add($"{at} is signed with key '{entry.KeyId}', which the key file does not hold");
            }
            if (outcome is not null || seal is not null)
            {
                outcomes++;
                CheckOutcome(keys, entry, outcome, seal, at, problems);
            }
            if (anchor is not null && entry.ChainIndex == anchor.Rows)
            {
                anchoredRowHash = stored;
            }
            // Continue from the stored hash so one modified row is reported once, not at every row after it.
            previous = stored;
            expectedIndex = entry.ChainIndex + 1;
        }
        if (count != headLength || (headLength > 0 && !string.Equals(previous, headHash, StringComparison.Ordinal)))
        {
            problems.Add($"the chain holds {count} rows ending in {Short(previous)}, the head records {headLength} rows ending in {Short(headHash ?? Genesis)}: rows were deleted or added outside the service");
        }
        if (unkeyed > 0 && !acceptUnkeyed)
        {
            problems.Add($"{unkeyed} rows carry no key id: their plain SHA-256 chain can be recomputed by whoever writes the database (rows written before the upgrade to audit keys are accepted with --accept-unkeyed)");
        }
        if (anchor is not null)
        {
            CheckAnchor(anchor, count, anchoredRowHash, outcomes, problems);
        }
        return new AuditVerification(tenantId, count, problems) { Unkeyed = unkeyed, Head = previous, Outcomes = outcomes };
    }

    private static void CheckOutcome(AuditKeyRing keys, AuditChainEntry entry, AuditOutcome? outcome, string? seal, string at, List<string> problems)
    {
        if (seal is null)
        {
            if (entry.KeyId is not null)
            {
                problems.Add($"the outcome of {at} is not sealed: written outside the service");
            }
            return;
        }
        var colon = seal.IndexOf(':', StringComparison.Ordinal);
        var keyId = colon > 0 ? seal[..colon] : string.Empty;
        byte[] key;
        try
        {
            key = keys.Key(keyId);
        }
        catch (KeyNotFoundException)
        {
            problems.Add($"the outcome of {at} is sealed with key '{keyId}', which the key file does not hold");
            return;
        }
        if (outcome is null || !SameMac(Seal(keyId, key, entry.TenantId, entry.SessionId, entry.Sequence, outcome), seal))
        {
            problems.Add($"the outcome of {at} (error, bytes, taint or observation) does not match its seal: modified outside the service");
        }
    }

    private static void CheckAnchor(AuditAnchorTenant anchor, long count, string? anchoredRowHash, long outcomes, List<string> problems)
    {
        if (count < anchor.Rows)
        {
            problems.Add($"the chain holds {count} rows, the anchor recorded {anchor.Rows}: rows were deleted since the anchor (the tail truncated, or the tenant removed)");
        }
        else if (anchor.Rows > 0 && !string.Equals(anchoredRowHash, anchor.Head, StringComparison.Ordinal))
        {
            problems.Add($"row {anchor.Rows} does not carry the MAC the anchor recorded ({Short(anchor.Head)}): the log was rewritten or rolled back since the anchor");
        }
        if (outcomes < anchor.Outcomes)
        {
            problems.Add($"{outcomes} rows have an outcome, the anchor recorded {anchor.Outcomes}: outcomes were removed since the anchor");
        }
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
