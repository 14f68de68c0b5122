using SafeMcp.Client;
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

    public async Task InitializeAsync() => Silo = await SiloProcess.StartAsync(_directory.Path).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync().ConfigureAwait(false);
        _directory.Dispose();
    }
}
