using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Text;

namespace SafeMcp.Grains.Sessions;

/// <summary>The short hash of a call (tool and arguments) kept in <see cref="CallRecord.ArgumentsHash"/>, to spot repeated identical calls.</summary>
public static class CallHash
{
    /// <summary>
    /// The arguments of <paramref name="request"/> as the audit log keeps them: compact JSON in the caller's key order,
    /// every string value with its secrets redacted (<see cref="SecretPatterns.Redact"/>).
    /// </summary>
    public static string ArgumentsJson(DecideRequest request) =>
        request.Arguments is { ValueKind: JsonValueKind.Object } arguments ? CanonicalJson.Text(arguments, sortKeys: false, SecretPatterns.Redact) : "{}";

    /// <summary>
    /// The hash of a call of <paramref name="tool"/> with <paramref name="argumentsJson"/> (as <see cref="ArgumentsJson"/>
    /// writes them) taken over their canonical form, so key order and spacing do not make a repeated call look new.
    /// </summary>
    public static ulong OfCall(string tool, string argumentsJson)
    {
        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            return Of(tool, CanonicalJson.Text(document.RootElement, sortKeys: true));
        }
        catch (JsonException)
        {
            return Of(tool, argumentsJson);
        }
    }

    /// <summary>
    /// The hash of a call of <paramref name="tool"/> with <paramref name="argumentsJson"/>: the first 8 bytes of the
    /// SHA-256 of their UTF-8 text, a number rather than a string, so a session's history holds no object for it.
    /// </summary>
    public static ulong Of(string tool, string argumentsJson)
    {
        var length = Encoding.UTF8.GetMaxByteCount(tool.Length + 1 + argumentsJson.Length);
        byte[]? rented = null;
        var buffer = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(tool, buffer);
            buffer[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(argumentsJson, buffer[written..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..written], hash);
            return BinaryPrimitives.ReadUInt64BigEndian(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
