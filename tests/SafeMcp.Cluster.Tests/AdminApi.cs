using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SafeMcp.Testing;

namespace SafeMcp.Cluster.Tests;

/// <summary>The tenant-level admin API (registry, grants) of one silo, asked directly (these requests are not forwarded).</summary>
public sealed class AdminApi(SiloProcess silo, string key) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = silo.BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>GET <paramref name="path"/>, which must answer 200.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(200, status);
        return body;
    }

    public void Dispose() => _http.Dispose();
}
