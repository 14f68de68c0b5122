using System.Diagnostics;
using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Silo.Placement;
using SafeMcp.Silo.Storage;

namespace SafeMcp.Silo.Api;

/// <summary>
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (storage answers too), no key needed and naming nothing about
/// the host (the silo's name, which defaults to host and pid, is in <c>/v1/silo/runtime</c>); <c>/v1/silo/runtime</c>
/// (the process's collections, pauses and allocations, for load tests), any tenant's key.
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new HealthReport("ok", "not checked"), SafeMcpJsonContext.Default.HealthReport))
            .WithTags("health").Produces<HealthReport>();

        app.MapGet("/readyz", async (IStorageProbe storage, CancellationToken cancellationToken) =>
            {
                var reachable = await storage.IsReachableAsync(cancellationToken).ConfigureAwait(false);
                return Results.Json(
                    new HealthReport(reachable ? "ready" : "unavailable", $"{storage.Name} {(reachable ? "ok" : "unreachable")}"),
                    SafeMcpJsonContext.Default.HealthReport,
                    statusCode: reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .WithTags("health").Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/v1/silo/runtime", (IOptions<SiloOptions> options, IStorageProbe storage, IServiceProvider services) =>
                Results.Json(RuntimeStats(options.Value.Name, services.GetService<RequestForwarder>()?.Forwarded ?? 0, storage), SafeMcpJsonContext.Default.SiloRuntimeStats))
            .WithTags("health").WithSummary("This silo process's garbage collections, pauses, allocations, processor and compilation time, and its commit-wait and log-sync histograms, since it started").Produces<SiloRuntimeStats>();
    }

    private static SiloRuntimeStats RuntimeStats(string silo, long forwarded, IStorageProbe storage)
    {
        using var process = Process.GetCurrentProcess();
        return new SiloRuntimeStats(
            silo,
            (DateTime.UtcNow - process.StartTime.ToUniversalTime()).TotalSeconds,
            Environment.ProcessorCount,
            [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)],
            GC.GetTotalPauseDuration().TotalMilliseconds,
            GC.GetTotalAllocatedBytes(),
            GC.GetTotalMemory(forceFullCollection: false),
            ThreadPool.ThreadCount,
            process.TotalProcessorTime.TotalMilliseconds,
            forwarded,
            System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            storage.CommitWait.Snapshot(),
            storage.LogSync?.Snapshot());
    }
}
