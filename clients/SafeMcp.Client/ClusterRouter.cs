using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using SafeMcp.Contracts;

namespace SafeMcp.Client;

/// <summary>
/// Client-side placement: learns the active silos from <c>GET /v1/cluster/members</c>, sends each session's
/// requests straight to its owner (the same rendezvous hash the silos use), refreshes when an answer carries
/// another membership version or a silo stops answering. Against a single silo (the members endpoint
/// answers 404) every request goes to <see cref="SafeMcpClientOptions.BaseAddress"/>.
/// </summary>
internal sealed class ClusterRouter(HttpClient http, SafeMcpClientOptions options, string authorization)
{
    private readonly ConcurrentDictionary<Uri, long> _suspectUntil = new();
    private volatile Routing? _routing;
    private volatile bool _singleSilo = !options.DiscoverCluster;
    private int _refreshing;

    /// <summary>The members the client routes over now (empty: single silo or not learned yet).</summary>
    public IReadOnlyList<Uri> Members => _routing?.Uris ?? [];

    /// <summary>The membership version last learned (-1 when none).</summary>
    public long Version => _routing?.Version ?? -1;

    /// <summary>The base address for a request about <paramref name="sessionId"/> (null: not session-addressed).</summary>
    public async ValueTask<Uri> BaseForAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (sessionId is null || _singleSilo)
        {
            return options.BaseAddress;
        }
        if (_routing is null)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_routing is not { Uris.Length: > 0 } routing)
        {
            return options.BaseAddress;
        }
        var key = RendezvousHash.SessionKey(routing.Tenant, sessionId);
        var owner = RendezvousHash.Owner(key, routing.Addresses);
        if (!IsSuspect(routing.Uris[owner]))
        {
            return routing.Uris[owner];
        }
        // The owner does not answer: any other silo forwards, or serves once the owner is declared dead.
        foreach (var index in RendezvousHash.Ranking(key, routing.Addresses))
        {
            if (!IsSuspect(routing.Uris[index]))
            {
                return routing.Uris[index];
            }
        }
        return routing.Uris[owner];
    }

    /// <summary>Looks at an answer's membership version; a different one triggers a refresh in the background.</summary>
    public void Observe(HttpResponseMessage response)
    {
        if (_singleSilo || !response.Headers.TryGetValues(RendezvousHash.MembershipVersionHeader, out var values))
        {
            return;
        }
        if (long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) && version != Version)
        {
            StartRefresh();
        }
    }

    /// <summary>A silo did not answer: avoid it for a while and refresh the membership.</summary>
    public void ReportUnreachable(Uri baseAddress)
    {
        if (_singleSilo)
        {
            return;
        }
        _suspectUntil[baseAddress] = Environment.TickCount64 + (long)options.SuspectSiloFor.TotalMilliseconds;
        StartRefresh();
    }

    private bool IsSuspect(Uri uri) => _suspectUntil.TryGetValue(uri, out var until) && Environment.TickCount64 < until;

    private void StartRefresh()
    {
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            });
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // Ask the configured address first, then any silo learned before (the configured one may be down).
        var candidates = new List<Uri> { options.BaseAddress };
        candidates.AddRange(Members.Where(u => u != options.BaseAddress));
        foreach (var candidate in candidates)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(candidate, "v1/cluster/members"));
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.AttemptTimeout);
                using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound && _routing is null)
                {
                    _singleSilo = true; // a single silo (embedded storage): no cluster to route over
                    return;
                }
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                if (await JsonSerializer.DeserializeAsync(stream, SafeMcpJsonContext.Default.ClusterMembers, timeout.Token).ConfigureAwait(false) is { } members)
                {
                    _routing = new Routing(members);
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private sealed class Routing(ClusterMembers members)
    {
        public long Version { get; } = members.Version;

        public string Tenant { get; } = members.Tenant;

        public string[] Addresses { get; } = members.Members.Select(m => m.Address).ToArray();

        public Uri[] Uris { get; } = members.Members.Select(m => new Uri(m.Address.TrimEnd('/') + "/")).ToArray();
    }
}
