using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>
/// A signed checkpoint of every tenant's audit chain (length, last MAC, rows with an outcome), written by
/// <c>safemcp audit anchor</c> and kept out of band (another machine, a write-once bucket, a ticket). Verifying against
/// it shows what the chain alone cannot: rows deleted at the end with the head moved back, a tenant deleted, a rollback
/// to an older copy. The signature is an HMAC under the audit key ring's current key, so the file cannot be edited to
/// match a truncated log by someone without the key.
/// </summary>
public sealed record AuditAnchor(DateTimeOffset CreatedAt, IReadOnlyList<AuditAnchorTenant> Tenants, string KeyId, string Signature)
{
    /// <summary>The format name written in every anchor file.</summary>
    public const string Format = "safemcp-audit-anchor/1";

    /// <summary>An anchor of <paramref name="tenants"/> signed with the ring's current key.</summary>
    public static AuditAnchor Sign(AuditKeyRing keys, DateTimeOffset createdAt, IReadOnlyList<AuditAnchorTenant> tenants)
    {
        var at = createdAt.ToUniversalTime();
        return new AuditAnchor(at, tenants, keys.CurrentKeyId, Mac(keys.Key(keys.CurrentKeyId), keys.CurrentKeyId, at, tenants));
    }

    /// <summary>The anchor as the file holds it (indented JSON).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteString("createdAt", CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteStartArray("tenants");
            foreach (var t in Tenants)
            {
                writer.WriteStartObject();
                writer.WriteString("tenantId", t.TenantId);
                writer.WriteNumber("rows", t.Rows);
                writer.WriteString("head", t.Head);
                writer.WriteNumber("outcomes", t.Outcomes);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("keyId", KeyId);
            writer.WriteString("signature", Signature);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads an anchor file's text and checks its signature; <see cref="InvalidDataException"/> when it is malformed or was altered.</summary>
    public static AuditAnchor Parse(string json, AuditKeyRing keys)
    {
        AuditAnchor anchor;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != Format)
            {
                throw new InvalidDataException($"Not an audit anchor (format is not {Format}).");
            }
            var tenants = root.GetProperty("tenants").EnumerateArray().Select(t => new AuditAnchorTenant(
                t.GetProperty("tenantId").GetString()!, t.GetProperty("rows").GetInt64(), t.GetProperty("head").GetString()!, t.GetProperty("outcomes").GetInt64())).ToArray();
            anchor = new AuditAnchor(DateTimeOffset.Parse(root.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                tenants, root.GetProperty("keyId").GetString()!, root.GetProperty("signature").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"The anchor file is malformed: {e.Message}", e);
        }
        byte[] key;
        try
        {
            key = keys.Key(anchor.KeyId);
        }
        catch (KeyNotFoundException)
        {
            throw new InvalidDataException($"The anchor is signed with key '{anchor.KeyId}', which the key file does not hold.");
        }
        var expected = Mac(key, anchor.KeyId, anchor.CreatedAt, anchor.Tenants);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(anchor.Signature)))
        {
            throw new InvalidDataException("The anchor's signature does not match its content: the file was altered.");
        }
        return anchor;
    }

    /// <summary>The HMAC over a fixed text of the anchor (a JSON array written the same way on both sides), never over the file's formatting.</summary>
    private static string Mac(byte[] key, string keyId, DateTimeOffset createdAt, IReadOnlyList<AuditAnchorTenant> tenants)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(Format);
            writer.WriteStringValue(keyId);
            writer.WriteStringValue(createdAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            foreach (var t in tenants)
            {
                writer.WriteStringValue(t.TenantId);
                writer.WriteNumberValue(t.Rows);
                writer.WriteStringValue(t.Head);
                writer.WriteNumberValue(t.Outcomes);
            }
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, buffer.ToArray()));
    }
}
