using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Silo.Api;
using SafeMcp.Silo.Membership;

namespace SafeMcp.Silo.Placement;

/// <summary>
/// Sends a request for a session this silo does not own to its owner, once, over HTTP/2 cleartext
/// (prior knowledge) to the owner's internal endpoint. The owner handles a forwarded request itself
/// whatever its own view says, so a request never travels more than one hop; its lease keeps it correct.
/// </summary>
internal sealed class RequestForwarder : IDisposable
{
    /// <summary>Marks a forwarded request.</summary>
    public const string ForwardedHeader = "SafeMcp-Forwarded";

    private readonly SessionPlacement _placement;
    private readonly SiloMembership _membership;
    private readonly HttpClient _http;
    private readonly int _internalPort;

    public RequestForwarder(SessionPlacement placement, SiloMembership membership, IOptions<MembershipOptions> options)
    {
        _placement = placement;
        _membership = membership;
        _internalPort = new Uri(membership.InternalUrl).Port;
        _http = new HttpClient(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.Value.ForwardTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = options.Value.ForwardTimeout,
        };
    }

    /// <summary>Stamps the membership version on an answer (clients refresh their routing when it changes).</summary>
    public void Stamp(HttpResponse response) =>
        response.Headers[RendezvousHash.MembershipVersionHeader] = _membership.View.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private long _forwarded;

    /// <summary>Requests this silo has passed on to their session's owner since it started.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>
    /// Whether <paramref name="context"/> is a forwarded request: it carries <see cref="ForwardedHeader"/> and came in on this
    /// silo's internal endpoint. On a public endpoint the header is ignored, so a client cannot make a silo serve a session
    /// it does not own (and refuse it for a stale lease) by setting it.
    /// </summary>
    public bool IsForwarded(HttpContext context) =>
        context.Connection.LocalPort == _internalPort && context.Request.Headers.ContainsKey(ForwardedHeader);

    /// <summary>Forwards the request to the session's owner when that is another silo; null when this silo handles it.</summary>
    public async Task<IResult?> ForwardIfRemoteAsync(HttpContext context, string tenantId, string sessionId, Func<byte[]?> body)
    {
        if (IsForwarded(context)
            || _placement.OwnerOf(tenantId, sessionId) is not { } owner
            || owner.Address == _membership.Address)
        {
            return null;
        }

        var target = new Uri(new Uri(owner.InternalUrl.TrimEnd('/') + "/"), context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact, // h2c with prior knowledge
        };
        request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
        if (context.Request.Headers.TryGetValue("X-Api-Key", out var apiKey))
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey.ToString());
        }
        request.Headers.Add(ForwardedHeader, _membership.Address);
        Interlocked.Increment(ref _forwarded);
        if (body() is { } bytes)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        try
        {
            using var response = await _http.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
            var payload = await response.Content.ReadAsByteArrayAsync(context.RequestAborted).ConfigureAwait(false);
            return Results.Text(System.Text.Encoding.UTF8.GetString(payload), "application/json", System.Text.Encoding.UTF8, (int)response.StatusCode);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            return ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, "owner_unreachable",
                $"The silo owning this session ({owner.Address}) does not answer; no decision was made (fail closed). Retry shortly.");
        }
    }

    public void Dispose() => _http.Dispose();
}
