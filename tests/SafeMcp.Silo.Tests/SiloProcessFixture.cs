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
    public Task<string> CreateTenantAsync(string tenantId) => RunCliForKeyAsync(["tenant", "create", tenantId, "--sqlite", Silo.SqlitePath]);

    private static async Task<string> RunCliForKeyAsync(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Prepend(RepositoryPaths.BuiltAssembly("clients/SafeMcp.Cli", "safemcp")))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"safemcp {string.Join(" ", args)} failed: {output}{errors}");
        return output.Split('\n', StringSplitOptions.TrimEntries).Single(line => line.StartsWith("smk_", StringComparison.Ordinal));
    }

    /// <summary>Runs <c>safemcp tenant add-key</c> (an agent key unless <paramref name="admin"/>) and returns the printed key.</summary>
    public Task<string> AddKeyAsync(string tenantId, bool admin) =>
        RunCliForKeyAsync(admin ? ["tenant", "add-key", tenantId, "--admin", "--sqlite", Silo.SqlitePath] : ["tenant", "add-key", tenantId, "--sqlite", Silo.SqlitePath]);

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        _directory.Dispose();
    }
}
