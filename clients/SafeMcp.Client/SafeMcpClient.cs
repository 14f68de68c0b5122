using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SafeMcp.Contracts;

namespace SafeMcp.Client;

/// <summary>
/// The cluster's API as methods. Thread-safe; keep one instance for the process. Transient failures are
/// retried with exponential backoff; when the cluster stays unreachable, <see cref="DecideAsync"/> fails
/// closed (a deny decision) unless <see cref="SafeMcpClientOptions.WhenUnavailable"/> says otherwise.
/// </summary>
public sealed class SafeMcpClient : IDisposable
{
    /// <summary>The layer name a decision made by the client itself carries.</summary>
    public const string UnavailableLayer = "client-unavailable";

    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly SafeMcpClientOptions _options;
    private readonly ClusterRouter _router;

    // The Authorization header's value, made once (the router's membership requests send it too): set without the header
    // parser, the constructor having refused a key that cannot be a header value.
    private readonly string _authorization;

    /// <summary>A client with its own pooled connections.</summary>
    public SafeMcpClient(SafeMcpClientOptions options)
        : this(new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
            ConnectTimeout = options.AttemptTimeout,
            EnableMultipleHttp2Connections = true,
        }), options, ownsHttp: true)
    {
    }

    /// <summary>A client over a caller's <see cref="HttpClient"/> (e.g. from IHttpClientFactory).</summary>
    public SafeMcpClient(HttpClient http, SafeMcpClientOptions options) : this(http, options, ownsHttp: false)
    {
    }

    private SafeMcpClient(HttpClient http, SafeMcpClientOptions options, bool ownsHttp)
    {
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new ArgumentException("SafeMcpClientOptions.ApiKey is required.", nameof(options));
        }
        if (options.ApiKey.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException("SafeMcpClientOptions.ApiKey cannot hold spaces or control characters.", nameof(options));
        }
        _http = http;
        _ownsHttp = ownsHttp;
        _options = options;
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _authorization = "Bearer " + options.ApiKey;
        _router = new ClusterRouter(_http, options, _authorization);
    }

    /// <summary>The options this client runs with.</summary>
    public SafeMcpClientOptions Options => _options;

    /// <summary>The silos this client routes sessions over (empty against a single silo or before the first request).</summary>
    public IReadOnlyList<Uri> ClusterMembers => _router.Members;

    /// <summary>Opens a session or refreshes its tools.</summary>
    public Task<SessionView> OpenSessionAsync(OpenSessionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(request.SessionId, HttpMethod.Post, "v1/sessions", request, SafeMcpJsonContext.Default.OpenSessionRequest, SafeMcpJsonContext.Default.SessionView, cancellationToken);

    /// <summary>The tools a session may see now.</summary>
    public Task<SessionView> GetToolsAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<object, SessionView>(sessionId, HttpMethod.Get, $"v1/sessions/{Uri.EscapeDataString(sessionId)}/tools", null, null, SafeMcpJsonContext.Default.SessionView, cancellationToken);

    /// <summary>Decides a call. When the cluster stays unreachable the answer follows <see cref="SafeMcpClientOptions.WhenUnavailable"/>.</summary>
    public async Task<Decision> DecideAsync(string sessionId, DecideRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendAsync(sessionId, HttpMethod.Post, $"v1/sessions/{Uri.EscapeDataString(sessionId)}/decide", request,
                SafeMcpJsonContext.Default.DecideRequest, SafeMcpJsonContext.Default.Decision, cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e) when (e.IsUnavailable)
        {
            var open = _options.WhenUnavailable == UnavailableMode.FailOpen;
            return new Decision(sessionId, 0, request.Tool, open ? Verdict.Allow : Verdict.Deny, [],
                [open ? $"The cluster is unavailable ({e.Error.Message}); the call runs unsupervised (fail open)."
                      : $"The cluster is unavailable ({e.Error.Message}); the call is denied (fail closed)."],
                [], [UnavailableLayer], DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Reports what a call returned.</summary>
    public Task<SessionView> ReportOutcomeAsync(string sessionId, OutcomeReport report, CancellationToken cancellationToken = default) =>
        SendAsync(sessionId, HttpMethod.Post, $"v1/sessions/{Uri.EscapeDataString(sessionId)}/outcome", report,
            SafeMcpJsonContext.Default.OutcomeReport, SafeMcpJsonContext.Default.SessionView, cancellationToken);

    /// <summary>Reports content the agent ingested outside a tool call (a resource read, a prompt) for taint scanning.</summary>
    public Task<SessionView> ReportIngestedAsync(string sessionId, IngestedContent content, CancellationToken cancellationToken = default) =>
        SendAsync(sessionId, HttpMethod.Post, $"v1/sessions/{Uri.EscapeDataString(sessionId)}/ingested", content,
            SafeMcpJsonContext.Default.IngestedContent, SafeMcpJsonContext.Default.SessionView, cancellationToken);

    /// <summary>A session's state and decisions after <paramref name="afterSequence"/>.</summary>
    public Task<SessionSnapshot> GetSessionAsync(string sessionId, long afterSequence = 0, int limit = 1000, CancellationToken cancellationToken = default) =>
        SendAsync<object, SessionSnapshot>(sessionId, HttpMethod.Get, $"v1/sessions/{Uri.EscapeDataString(sessionId)}?after={afterSequence}&limit={limit}", null, null,
            SafeMcpJsonContext.Default.SessionSnapshot, cancellationToken);

    /// <summary>The runtime counters of the silo at <see cref="SafeMcpClientOptions.BaseAddress"/> (collections, pauses, allocations).</summary>
    public Task<SiloRuntimeStats> GetRuntimeStatsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, SiloRuntimeStats>(null, HttpMethod.Get, "v1/silo/runtime", null, null, SafeMcpJsonContext.Default.SiloRuntimeStats, cancellationToken);

    /// <summary>The tenant's pinned tools, optionally of one <paramref name="server"/> and one <paramref name="status"/>.</summary>
    public Task<IReadOnlyList<RegisteredTool>> ListRegisteredToolsAsync(string? server = null, string? status = null, CancellationToken cancellationToken = default)
    {
        var query = string.Join('&', new[] { ("server", server), ("status", status) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        return SendAsync<object, IReadOnlyList<RegisteredTool>>(null, HttpMethod.Get, query.Length == 0 ? "v1/registry/tools" : $"v1/registry/tools?{query}", null, null,
            SafeMcpJsonContext.Default.IReadOnlyListRegisteredTool, cancellationToken);
    }

    /// <summary>Approves (<paramref name="approve"/>) or rejects a tool's observed definition; an admin key is needed. <paramref name="hash"/>: the reviewed definition's.</summary>
    public Task<RegisteredTool> ReviewToolAsync(string server, string tool, bool approve, string? hash = null, CancellationToken cancellationToken = default) =>
        SendAsync(null, HttpMethod.Post, $"v1/registry/servers/{Uri.EscapeDataString(server)}/tools/{Uri.EscapeDataString(tool)}/{(approve ? "approve" : "reject")}",
            new ApproveToolRequest(hash), SafeMcpJsonContext.Default.ApproveToolRequest, SafeMcpJsonContext.Default.RegisteredTool, cancellationToken);

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string? sessionId, HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var payload = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, requestType!);
        for (var attempt = 0; ; attempt++)
        {
            var baseAddress = await _router.BaseForAsync(sessionId, cancellationToken).ConfigureAwait(false);
            var uri = new Uri(baseAddress, path);
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.TryAddWithoutValidation("Authorization", _authorization);
            if (payload is not null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = s_json;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.AttemptTimeout);
            ApiError transient;
            int status;
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                _router.Observe(response);
                if (response.IsSuccessStatusCode)
                {
                    // The body is already read into memory (ResponseContentRead): parse it where it is, synchronously.
                    using var stream = response.Content.ReadAsStream(timeout.Token);
                    return JsonSerializer.Deserialize(stream, responseType)
                        ?? throw new SafeMcpException(status, new ApiError("empty_response", "The cluster answered with an empty body."));
                }
                var error = await ReadErrorAsync(response, timeout.Token).ConfigureAwait(false);
                if (!IsTransient(response.StatusCode, error))
                {
                    throw new SafeMcpException(status, error);
                }
                transient = error;
            }
            catch (HttpRequestException e)
            {
                status = 0;
                transient = new ApiError("unreachable", $"Cannot reach {baseAddress}: {e.Message}");
                _router.ReportUnreachable(baseAddress);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                status = 0;
                transient = new ApiError("timeout", $"No answer from {baseAddress} within {_options.AttemptTimeout.TotalMilliseconds:0} ms.");
                _router.ReportUnreachable(baseAddress);
            }

            if (attempt >= _options.MaxRetries)
            {
                throw new SafeMcpException(status is 502 or 503 or 504 ? status : 0, transient);
            }
            var delay = TimeSpan.FromTicks((long)Math.Min(_options.RetryBaseDelay.Ticks * Math.Pow(2, attempt), _options.MaxRetryDelay.Ticks)) * (0.5 + Random.Shared.NextDouble());
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(HttpStatusCode status, ApiError error) =>
        status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
        || (status == HttpStatusCode.Conflict && error.Code == "stale_activation");

    private static async Task<ApiError> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(text, SafeMcpJsonContext.Default.ApiError)
                ?? new ApiError("http_" + (int)response.StatusCode, response.ReasonPhrase ?? "error");
        }
        catch (JsonException)
        {
            return new ApiError("http_" + (int)response.StatusCode, response.ReasonPhrase ?? "error");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
