using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Silo.Sessions;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.Testing;

namespace SafeMcp.Silo.Tests;

/// <summary>A session runtime in this process over a real SQLite file, with extra detectors when a test needs them.</summary>
internal sealed class SessionRuntimeFixture : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private bool _tenantCreated;

    public SessionRuntimeFixture(params ICallDetector[] extraDetectors)
    {
        Storage = new SqliteStorage(Path.Combine(_directory.Path, "silo.db"), new GroupCommitOptions());
        var pipeline = new DecisionPipeline([new HazardRules(), .. extraDetectors], [new TaintVisibilityRule()]);
        Runtime = new SessionGrainRuntime(Storage, pipeline, Options.Create(new SessionGrainOptions()), TimeProvider.System);
    }

    public const string Tenant = "acme";

    public SqliteStorage Storage { get; }

    public SessionGrainRuntime Runtime { get; }

    public static IReadOnlyList<ToolDescriptor> Tools { get; } =
    [
        new("read_file", Description: "Read a file."),
        new("write_file", Description: "Write a file."),
        new("fetch_url", Description: "Fetch a URL over HTTP."),
    ];

    public async Task OpenAsync(string sessionId, string? instruction = "Summarize the notes.")
    {
        if (!_tenantCreated)
        {
            await Storage.CreateTenantAsync(Tenant, Tenant, CancellationToken.None);
            _tenantCreated = true;
        }
        await Runtime.InvokeAsync(Tenant, sessionId, g => g.OpenAsync(new OpenSessionRequest(sessionId, instruction, Tools), CancellationToken.None), CancellationToken.None);
    }

    public Task<Decision> DecideAsync(string sessionId, string tool = "read_file") =>
        Runtime.InvokeAsync(Tenant, sessionId, g => g.DecideAsync(new DecideRequest(tool), CancellationToken.None), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        _directory.Dispose();
    }
}
