using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SafeMcp.Silo.Membership;

/// <summary>
/// Kestrel endpoints of a cluster silo: the public URLs (HTTP/1.1; HTTP/2 there needs TLS) and the internal endpoint for
/// forwarded requests, HTTP/2 only so that silos speak h2c with prior knowledge.
/// </summary>
internal static class ClusterEndpointsConfiguration
{
    public static void Listen(KestrelServerOptions kestrel, SiloOptions options)
    {
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Listen(kestrel, url, HttpProtocols.Http1);
        }
        Listen(kestrel, options.InternalUrl ?? throw new InvalidOperationException("Cluster mode needs --internal-url (the h2c endpoint for forwarded requests)."), HttpProtocols.Http2);
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols)
    {
        var uri = new Uri(url);
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"'{url}': cluster endpoints are plain http (put TLS in front of the silos).");
        }
        if (uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, o => o.Protocols = protocols);
        }
        else if (IPAddress.TryParse(uri.Host, out var address))
        {
            kestrel.Listen(address, uri.Port, o => o.Protocols = protocols);
        }
        else
        {
            throw new InvalidOperationException($"'{url}': give an IP address or localhost.");
        }
    }
}
