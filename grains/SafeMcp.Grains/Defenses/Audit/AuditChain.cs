using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>
/// The tamper-evident audit log: per tenant, every decision row carries <c>chain_hash = SHA-256(previous hash ‖ row)</c>
/// and its position <c>chain_index</c> (1, 2, …); the tenant's head (length and last hash) is updated in the same
/// transaction as the rows. Changing, reordering or deleting a row breaks the chain from that row on, and deleting the
/// newest rows leaves the head pointing past the end. The storage layer links rows at commit: one writer per tenant at a
/// time (SQLite: the single writer; PostgreSQL: the head row locked by the upsert that advances it, in the batch's transaction).
/// </summary>
/// <remarks>
/// The hashed text is the JSON array <c>[previousHash, tenant, session, sequence, chainIndex, tool, …, decidedAt]</c>.
/// It is composed from <see cref="AuditChainParts"/> (everything but the previous hash and the index), so that a store
/// which learns the previous hash and the index only inside its transaction (PostgreSQL) computes the same hash there.
/// </remarks>
public static class AuditChain
{
    /// <summary>The hash before the first row of every chain.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The hash of <paramref name="entry"/> linked after <paramref name="previousHash"/>.</summary>
    /// <remarks>
    /// Every decision is linked once on the commit path, so the row's text is written into a buffer reused by the thread
    /// and hashed in place: the same bytes as <see cref="Parts"/> around the previous hash and the index, without them.
    /// </remarks>
    public static string Link(string previousHash, AuditChainEntry entry)
    {
        var text = t_text ??= new RowText();
        var writer = text.Start();
        writer.WriteStartArray();
        WritePreviousHash(writer, previousHash);
        WriteHead(writer, entry);
        writer.WriteNumberValue(entry.ChainIndex);
        WriteTail(writer, entry);
        writer.WriteEndArray();
        var hash = Hash(text.Written(writer));
        RowText.Release(text);
        return hash;
    }

    /// <summary>The hash of a row, given its <see cref="Parts"/>, at <paramref name="chainIndex"/> after <paramref name="previousHash"/>.</summary>
    public static string Link(string previousHash, long chainIndex, AuditChainParts parts)
    {
        var text = new List<byte>(parts.Head.Length + parts.Tail.Length + 96);
        text.AddRange(Encoding.UTF8.GetBytes($"[\"{previousHash}\","));
        text.AddRange(parts.Head);
        text.AddRange(Encoding.UTF8.GetBytes(chainIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        text.AddRange(parts.Tail);
        return Hash(text.ToArray());
    }

    /// <summary>The hashed text of <paramref name="entry"/> around the previous hash and the chain index.</summary>
    public static AuditChainParts Parts(AuditChainEntry entry)
    {
        // Head: '"tenant","session",sequence,' ; tail: ',"tool",…,"decidedAt"]'. Each is written as a JSON array of its
        // own fields and trimmed, so escaping is exactly the writer's.
        var text = t_text ??= new RowText();
        var writer = text.Start();
        writer.WriteStartArray();
        WriteHead(writer, entry);
        writer.WriteEndArray();
        var head = text.Written(writer);
        var headBytes = new byte[head.Length - 1];
        head[1..^1].CopyTo(headBytes); // without '[' and ']'
        headBytes[^1] = (byte)',';

        writer = text.Start();
        writer.WriteStartArray();
        WriteTail(writer, entry);
        writer.WriteEndArray();
        var tail = text.Written(writer).ToArray();
        RowText.Release(text);
        tail[0] = (byte)','; // '[' becomes the separator after the index
        return new AuditChainParts(headBytes, tail);
    }

    private static void WriteHead(Utf8JsonWriter writer, AuditChainEntry entry)
    {
        writer.WriteStringValue(entry.TenantId);
        writer.WriteStringValue(entry.SessionId);
        writer.WriteNumberValue(entry.Sequence);
    }

    private static void WriteTail(Utf8JsonWriter writer, AuditChainEntry entry)
    {
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
        if (entry.Server != Contracts.SessionKeys.DefaultServer)
        {
            writer.WriteStringValue(entry.Server);
        }
    }

    /// <summary>The previous hash goes in as it is stored, between quotes and unescaped (the PostgreSQL chain function concatenates it the same way).</summary>
    private static void WritePreviousHash(Utf8JsonWriter writer, string previousHash)
    {
        var quoted = previousHash.Length <= 128 ? stackalloc char[previousHash.Length + 2] : new char[previousHash.Length + 2];
        quoted[0] = '"';
        previousHash.CopyTo(quoted[1..]);
        quoted[^1] = '"';
        writer.WriteRawValue(quoted, skipInputValidation: true);
    }

    private static string Hash(ReadOnlySpan<byte> text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(text, hash);
        return Convert.ToHexStringLower(hash);
    }

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
