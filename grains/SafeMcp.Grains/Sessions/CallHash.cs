using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SafeMcp.Contracts;

namespace SafeMcp.Grains.Sessions;

/// <summary>The short hash of a call (tool and arguments) kept in <see cref="CallRecord.ArgumentsHash"/>, to spot repeated identical calls.</summary>
public static class CallHash
{
    /// <summary>The arguments of <paramref name="request"/> as the audit log keeps them.</summary>
    public static string ArgumentsJson(DecideRequest request) =>
        request.Arguments is { ValueKind: JsonValueKind.Object } arguments ? arguments.GetRawText() : "{}";

    /// <summary>The hash of a call of <paramref name="tool"/> with <paramref name="argumentsJson"/>.</summary>
    public static string Of(string tool, string argumentsJson)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tool + "\n" + argumentsJson));
        return Convert.ToHexStringLower(hash, 0, 8);
    }
}
