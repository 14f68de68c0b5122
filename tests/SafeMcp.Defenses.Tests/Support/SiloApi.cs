using System.Net.Http.Json;
using System.Text.Json;
using SafeMcp.Testing;

namespace SafeMcp.Defenses.Tests.Support;

/// <summary>A real silo process and an HTTP client holding its bootstrap tenant's key.</summary>
internal sealed class SiloApi : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("safemcp-defenses");

    private SiloApi()
    {
    }

    public SiloProcess Silo { get; private set; } = null!;

    public HttpClient Http => _client.Http;

    private SiloHttp _client = null!;

    public static async Task<SiloApi> StartAsync()
    {
        var api = new SiloApi();
        api.Silo = await SiloProcess.StartAsync(api._directory.Path);
        api._client = new SiloHttp(api.Silo.BaseAddress, api.Silo.BootstrapKey ?? throw new InvalidOperationException("No bootstrap key printed."));
        return api;
    }

    public Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null) => _client.SendAsync(method, path, json);

    public Task<(int Status, JsonElement Body)> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<(int Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public static string[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
        _directory.Dispose();
    }
}
