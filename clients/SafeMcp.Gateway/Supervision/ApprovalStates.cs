using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace SafeMcp.Gateway.Supervision;

/// <summary>
/// The <c>requestState</c> of an approval asked by multi-round-trip request (MCP 2026-07-28): what was decided,
/// sealed with HMAC-SHA256 under the gateway's key and bound to the session (its caller), the server, the tool, the
/// arguments' digest and the decision; it expires, and it is accepted once. The client holds it, so everything in it
/// is checked when it comes back: a replayed, edited, expired or transplanted state is refused.
/// </summary>
internal sealed class ApprovalStates(byte[] key, TimeSpan lifetime, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>Seals the approval of decision <paramref name="sequence"/> for this exact call.</summary>
    public string Seal(string sessionId, string server, string tool, string argumentsDigest, long sequence)
    {
        var nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var claim = new ApprovalClaim(sessionId, server, tool, argumentsDigest, sequence, time.GetUtcNow().Add(lifetime).ToUnixTimeMilliseconds(), nonce);
        var payload = JsonSerializer.SerializeToUtf8Bytes(claim, GatewayJsonContext.Default.ApprovalClaim);
        return WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, payload));
    }

    /// <summary>Opens a state for this exact call; null with <paramref name="problem"/> set when it must be refused.</summary>
    public ApprovalClaim? Open(string state, string sessionId, string server, string tool, string argumentsDigest, out string problem)
    {
        problem = "";
        var dot = state.IndexOf('.', StringComparison.Ordinal);
        byte[] payload;
        byte[] mac;
        try
        {
            payload = WebEncoders.Base64UrlDecode(state[..Math.Max(dot, 0)]);
            mac = WebEncoders.Base64UrlDecode(state[(dot + 1)..]);
        }
        catch (FormatException)
        {
            problem = "the approval state is not one the gateway issued";
            return null;
        }
        if (dot <= 0 || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), mac))
        {
            problem = "the approval state is not one the gateway issued (it was altered or forged)";
            return null;
        }
        var claim = JsonSerializer.Deserialize(payload, GatewayJsonContext.Default.ApprovalClaim);
        var now = time.GetUtcNow();
        if (claim is null || claim.SessionId != sessionId || claim.Server != server || claim.Tool != tool || claim.ArgumentsDigest != argumentsDigest)
        {
            problem = "the approval state was issued for another session, tool or arguments";
            return null;
        }
        if (now.ToUnixTimeMilliseconds() > claim.ExpiresAt)
        {
            problem = "the approval state has expired";
            return null;
        }
        // Forget spent states once they could no longer be replayed anyway.
        foreach (var (spent, until) in _used)
        {
            if (until < now)
            {
                _used.TryRemove(spent, out _);
            }
        }
        if (!_used.TryAdd(claim.Nonce, DateTimeOffset.FromUnixTimeMilliseconds(claim.ExpiresAt)))
        {
            problem = "the approval state was already used";
            return null;
        }
        return claim;
    }

    /// <summary>The digest a state binds a call's arguments by: SHA-256 of their JSON.</summary>
    public static string Digest(JsonElement? arguments) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(arguments?.GetRawText() ?? "null")));
}

/// <summary>What a sealed approval state holds.</summary>
/// <param name="SessionId">The supervised session (bound to its caller).</param>
/// <param name="Server">The upstream server of the call.</param>
/// <param name="Tool">The tool, as its server names it.</param>
/// <param name="ArgumentsDigest">SHA-256 of the call's arguments.</param>
/// <param name="Sequence">The decision that asked for approval.</param>
/// <param name="ExpiresAt">Unix milliseconds after which the state is refused.</param>
/// <param name="Nonce">Makes the state single use.</param>
internal sealed record ApprovalClaim(string SessionId, string Server, string Tool, string ArgumentsDigest, long Sequence, long ExpiresAt, string Nonce);
