using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SafeMcp.Testing;

/// <summary>An HTTP client of one silo holding a tenant's key; answers come back as status and JSON body.</summary>
public sealed class SiloHttp : IDisposable
{
    public SiloHttp(Uri baseAddress, string key)
    {
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>The underlying client, for requests the helpers below do not cover.</summary>
    public HttpClient Http { get; }

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public void Dispose() => Http.Dispose();
}
