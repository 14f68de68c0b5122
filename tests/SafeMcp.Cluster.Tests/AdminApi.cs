using System.Text.Json;
using SafeMcp.Testing;

namespace SafeMcp.Cluster.Tests;

/// <summary>The tenant-level admin API (registry, grants) of one silo, asked directly (these requests are not forwarded).</summary>
public sealed class AdminApi(SiloProcess silo, string key) : IDisposable
{
    private readonly SiloHttp _client = new(silo.BaseAddress, key);

    public Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null) => _client.SendAsync(method, path, json);

    /// <summary>GET <paramref name="path"/>, which must answer 200.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(200, status);
        return body;
    }

    public void Dispose() => _client.Dispose();
}
