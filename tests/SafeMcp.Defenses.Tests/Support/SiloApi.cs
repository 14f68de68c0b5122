using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
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

    public HttpClient Http { get; private set; } = null!;

    public static async Task<SiloApi> StartAsync()
    {
        var api = new SiloApi();
        api.Silo = await SiloProcess.StartAsync(api._directory.Path);
        api.Http = new HttpClient { BaseAddress = api.Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        api.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Silo.BootstrapKey ?? throw new InvalidOperationException("No bootstrap key printed."));
        return api;
    }

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

    public Task<(int Status, JsonElement Body)> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<(int Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public static string[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
        _directory.Dispose();
    }
}
