using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;
using SafeMcp.Gateway.Config;
using SafeMcp.Gateway.Supervision;
using SafeMcp.Gateway.Upstream;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// The gateway's running parts: one connection per upstream server (shared by every endpoint that fronts it) and the
/// endpoints. Starting waits for each upstream's first attempt only; one that does not answer is retried in the
/// background and offers no tools until it does.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly IReadOnlyList<UpstreamConnection> _upstreams;

    private GatewayHost(IReadOnlyList<UpstreamConnection> upstreams, IReadOnlyDictionary<string, GatewayEndpoint> endpoints)
    {
        _upstreams = upstreams;
        Endpoints = endpoints;
    }

    /// <summary>The endpoints by name.</summary>
    public IReadOnlyDictionary<string, GatewayEndpoint> Endpoints { get; }

    public static async Task<GatewayHost> StartAsync(
        GatewayConfig config, IReadOnlyList<EndpointConfig> endpoints, GatewayOptions options, Func<MessageContext, string> sessionOf, ILoggerFactory loggers)
    {
        var upstreams = endpoints.SelectMany(e => e.Servers).DistinctBy(s => s.Name)
            .ToDictionary(s => s.Name, s => new UpstreamConnection(s, options, config.SecretVariables, loggers), StringComparer.Ordinal);
        await Task.WhenAll(upstreams.Values.Select(u => u.StartAsync())).ConfigureAwait(false);
        // Sealed approval states: under the configured key (several gateways share it), else one of this process.
        var key = config.ApprovalKey is { } secret ? SHA256.HashData(Encoding.UTF8.GetBytes(secret)) : RandomNumberGenerator.GetBytes(32);
        var states = new ApprovalStates(key, options.ApprovalStateLifetime, TimeProvider.System);
        var served = endpoints.ToDictionary(
            e => e.Name,
            e => new GatewayEndpoint(e, config.Silo, [.. e.Servers.Select(s => upstreams[s.Name])], sessionOf, states, loggers),
            StringComparer.Ordinal);
        var host = new GatewayHost([.. upstreams.Values], served);
        try
        {
            foreach (var endpoint in served.Values.DistinctBy(e => e.Config.ApiKey))
            {
                await endpoint.CheckKeyAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var endpoint in Endpoints.Values)
        {
            endpoint.Dispose();
        }
        foreach (var upstream in _upstreams)
        {
            await upstream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
