using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Silo.Storage;

namespace SafeMcp.Silo.Api;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (storage answers too). No key needed.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (IOptions<SiloOptions> options) =>
                Results.Json(new HealthReport("ok", options.Value.Name, "not checked"), SafeMcpJsonContext.Default.HealthReport))
            .WithTags("health").Produces<HealthReport>();

        app.MapGet("/readyz", async (IOptions<SiloOptions> options, IStorageProbe storage, CancellationToken cancellationToken) =>
            {
                var reachable = await storage.IsReachableAsync(cancellationToken).ConfigureAwait(false);
                return Results.Json(
                    new HealthReport(reachable ? "ready" : "unavailable", options.Value.Name, $"{storage.Name} {(reachable ? "ok" : "unreachable")}"),
                    SafeMcpJsonContext.Default.HealthReport,
                    statusCode: reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .WithTags("health").Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
    }
}
