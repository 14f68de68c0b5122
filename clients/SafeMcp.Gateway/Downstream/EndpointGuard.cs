using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SafeMcp.Contracts;
using SafeMcp.Gateway.Config;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// What every HTTP request passes before the SDK's MCP handler: <c>Host</c> and <c>Origin</c> checked (403, DNS
/// rebinding), the caller authenticated by its key (401), the endpoint found among the caller's tenant's (a 404 that
/// names nothing), and the session handle the client returned (or asked the gateway to mint) bound to the caller.
/// </summary>
internal sealed class EndpointGuard(IReadOnlyDictionary<string, GatewayEndpoint> endpoints, GatewayConfig config)
{
    /// <summary>Where the endpoint of the request is kept for the MCP handler's per-session configuration.</summary>
    public const string EndpointItem = "safemcp.gateway.endpoint";

    /// <summary>The value of <c>SafeMcp-Session</c> that asks the gateway for a new handle.</summary>
    public const string MintRequest = "new";

    private const string PathPrefix = "/mcp/";

    private readonly (byte[] Digest, CallerConfig Caller)[] _callers = [.. config.Callers.Select(c => (Digest(c.Key), c))];
    private readonly HashSet<string> _hosts = new(config.Http.AllowedHosts, StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _origins = new(config.Http.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (!_hosts.Contains(http.Request.Host.Host) && !_hosts.Contains($"[{http.Request.Host.Host}]"))
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "Forbidden: this Host is not served here.");
        }
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !_origins.Contains(origin))
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "Forbidden: requests from this Origin are not accepted.");
        }
        if (Authenticate(http.Request) is not { } caller)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"safemcp-gateway\"";
            return Refuse(http, StatusCodes.Status401Unauthorized, "Unauthorized: send 'Authorization: Bearer <caller key>'.");
        }
        var path = http.Request.Path.Value ?? "";
        var name = path.StartsWith(PathPrefix, StringComparison.Ordinal) ? path[PathPrefix.Length..].TrimEnd('/') : "";
        if (!endpoints.TryGetValue(name, out var endpoint) || endpoint.Config.Tenant != caller.Tenant)
        {
            return Refuse(http, StatusCodes.Status404NotFound, "Not found.");
        }
        var claims = new List<Claim> { new(SessionIdentity.CallerClaim, caller.Name), new(ClaimTypes.Name, caller.Name) };
        var handle = http.Request.Headers[SessionKeys.Header].ToString();
        if (handle == MintRequest)
        {
            handle = NewHandle();
        }
        if (handle.Length > 0)
        {
            if (!SessionIdentity.IsValidHandle(handle))
            {
                return Refuse(http, StatusCodes.Status400BadRequest, $"Bad Request: '{SessionKeys.Header}' must be 1 to {SessionIdentity.MaxHandleLength} characters of [A-Za-z0-9._-], or '{MintRequest}'.");
            }
            claims.Add(new Claim(SessionIdentity.HandleClaim, handle));
            http.Response.Headers[SessionKeys.Header] = handle;
        }
        http.User = new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "SafeMcpCallerKey"));
        http.Items[EndpointItem] = endpoint;
        return next(http);
    }

    private CallerConfig? Authenticate(HttpRequest request)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var digest = Digest(header[Scheme.Length..].Trim());
        CallerConfig? found = null;
        // Every key is compared, in constant time: neither the timing nor the order tells which one nearly matched.
        foreach (var (known, caller) in _callers)
        {
            if (CryptographicOperations.FixedTimeEquals(known, digest))
            {
                found = caller;
            }
        }
        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string NewHandle()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    private static Task Refuse(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message, http.RequestAborted);
    }
}
