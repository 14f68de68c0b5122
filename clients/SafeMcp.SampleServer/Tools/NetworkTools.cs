using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace SafeMcp.SampleServer.Tools;

/// <summary>Fetching from the web.</summary>
[McpServerToolType]
internal sealed class NetworkTools(HttpClient http, Sandbox sandbox)
{
    [McpServerTool(Name = "fetch_url", Title = "Fetch URL", ReadOnly = true, Destructive = false, OpenWorld = true)]
    [Description("Fetches a URL with HTTP GET and returns the status and the body.")]
    public async Task<string> FetchUrl([Description("The http or https URL.")] string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new McpException($"'{url}' is not an http or https URL.");
        }
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return sandbox.Cut($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}\n{body}");
        }
        catch (HttpRequestException e)
        {
            throw new McpException($"Fetching '{url}' failed: {e.Message}", e);
        }
    }
}
