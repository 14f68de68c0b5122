using System.Diagnostics;
using SafeMcp.Testing;

namespace SafeMcp.Silo.Tests;

/// <summary>One real silo process for a test class, with two tenants: the bootstrap one and "other".</summary>
public sealed class SiloProcessFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("safemcp-silo");

    public SiloProcess Silo { get; private set; } = null!;

    /// <summary>The silo's body limit: small, so an oversized body fits in loopback socket buffers and the 413 is read, not reset.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The bootstrap tenant's key.</summary>
    public string Key { get; private set; } = "";

    /// <summary>A second tenant's key, made with the real CLI.</summary>
    public string OtherKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync(_directory.Path, "--max-body-bytes", MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Key = Silo.BootstrapKey ?? throw new InvalidOperationException("The silo printed no bootstrap key:\n" + Silo.Output);
        OtherKey = await CreateTenantAsync("other");
    }

    /// <summary>Runs <c>safemcp tenant create</c> on the silo's database and returns the printed key.</summary>
    public async Task<string> CreateTenantAsync(string tenantId)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { RepositoryPaths.BuiltAssembly("clients/SafeMcp.Cli", "safemcp"), "tenant", "create", tenantId, "--sqlite", Silo.SqlitePath })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"tenant create failed: {output}{errors}");
        return output.Split('\n', StringSplitOptions.TrimEntries).Single(line => line.StartsWith("smk_", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        _directory.Dispose();
    }
}
