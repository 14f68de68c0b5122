using System.Net.Http.Headers;
using System.Net.Http.Json;
using SafeMcp.Client;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>One real silo process shared by a test class, and the gateway configuration naming it.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("safemcp-gateway-silo");

    public SiloProcess Silo { get; private set; } = null!;

    /// <summary>The bootstrap tenant's key.</summary>
    public string ApiKey => Silo.BootstrapKey ?? throw new InvalidOperationException("The silo printed no bootstrap key:" + Environment.NewLine + Silo.Output);

    /// <summary>A client of the silo, as an operator reads sessions.</summary>
    public SafeMcpClient NewClient() => new(new SafeMcpClientOptions { BaseAddress = Silo.BaseAddress, ApiKey = ApiKey });

    /// <summary>The tenant's pinned tools of <paramref name="server"/>, as an operator lists them (<c>GET /v1/registry/tools</c>).</summary>
    public async Task<IReadOnlyList<RegisteredTool>> RegistryAsync(string server)
    {
        using var http = new HttpClient { BaseAddress = Silo.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var tools = await http.GetFromJsonAsync($"/v1/registry/tools?server={Uri.EscapeDataString(server)}", SafeMcpJsonContext.Default.IReadOnlyListRegisteredTool).ConfigureAwait(false);
        return tools ?? [];
    }

    public async Task InitializeAsync() => Silo = await SiloProcess.StartAsync(_directory.Path).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync().ConfigureAwait(false);
        _directory.Dispose();
    }
}
