using System.Diagnostics;
using System.Text.RegularExpressions;
using SafeMcp.Testing;

namespace SafeMcp.Cluster.Tests;

/// <summary>A throwaway PostgreSQL started with <c>infra/postgres/start.sh</c>; can be stopped and started again (same data).</summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private PostgresServer(string directory, string connectionString)
    {
        Directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>The server's state directory.</summary>
    public string Directory { get; }

    /// <summary>The application role's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The owner role's connection string (it runs the migrations; the runtime role owns nothing).</summary>
    public string OwnerConnectionString => new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Username = "safemcp_owner",
        Password = File.ReadAllText(Path.Combine(Directory, "owner.pw")).Trim(),
    }.ToString();

    /// <summary>Starts a new server in a new temporary directory.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"safemcp-pg-{Guid.NewGuid():N}");
        var output = await RunAsync("infra/postgres/start.sh", "--dir", directory).ConfigureAwait(false);
        var match = ConnectionPattern().Match(output);
        if (!match.Success)
        {
            throw new InvalidOperationException("infra/postgres/start.sh printed no connection string:\n" + output);
        }
        return new PostgresServer(directory, Regex.Unescape(match.Groups[1].Value));
    }

    /// <summary>Stops the server (fast shutdown: open connections are cut).</summary>
    public Task StopAsync() => RunAsync("infra/postgres/stop.sh", Directory);

    /// <summary>Starts the stopped server again on the same port and data.</summary>
    public Task StartAgainAsync() => RunAsync("infra/postgres/start.sh", "--dir", Directory);

    private static async Task<string> RunAsync(string script, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not run {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}):\n{await stderr.ConfigureAwait(false)}");
        }
        return await stdout.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await RunAsync("infra/postgres/stop.sh", Directory, "--remove").ConfigureAwait(false);

    // printf %q escapes ';' as '\;'.
    [GeneratedRegex(@"export SAFEMCP_POSTGRES=(\S+)")]
    private static partial Regex ConnectionPattern();
}
