using SafeMcp.Grains.Defenses.Audit;
using Microsoft.Extensions.Options;
using Npgsql;
using SafeMcp.Silo.Api;
using SafeMcp.Silo.Inference;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Storage.Sqlite;

namespace SafeMcp.Silo.WebConsole;

/// <summary>
/// The web console: a static page at <c>/console</c> (no key; it asks for an admin key and sends it with each call) and
/// the JSON it reads under <c>/v1/console</c> (admin key). Sessions, the registry and grants use the API's own endpoints.
/// </summary>
internal static class ConsoleEndpoints
{
    private const int MaxDecisions = 500;

    public static void MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console", () => Results.Stream(ConsolePage.Open(), "text/html; charset=utf-8")).ExcludeFromDescription();

        var console = app.MapGroup("/v1/console").WithTags("console").AddEndpointFilter(TenantAuthentication.RequireAdminAsync);
        console.MapGet("/decisions", (HttpContext context, RecentDecisions recent, string? verdict, string? layer, string? technique, string? server, string? sessionId, int? limit) =>
                new JsonAnswer<IReadOnlyList<ConsoleDecision>>(
                    recent.Find(TenantAuthentication.TenantOf(context), Empty(verdict), Empty(layer), Empty(technique), Empty(server), Empty(sessionId), Math.Clamp(limit ?? 200, 1, MaxDecisions)),
                    ConsoleJsonContext.Default.IReadOnlyListConsoleDecision))
            .WithSummary("This silo's latest decisions of the tenant, newest first (verdict=, layer=, technique=, server=, sessionId=, limit=)")
            .Produces<IReadOnlyList<ConsoleDecision>>();
        console.MapGet("/world-model", (IServiceProvider services, IOptions<SiloOptions> options) =>
            {
                var inference = services.GetKeyedService<BatchingInferenceService>(WorldModelRegistration.FastTier);
                var checks = inference?.Checks ?? 0;
                var batches = inference?.Batches ?? 0;
                var status = new WorldModelStatus(inference is null ? "rules" : "rules+world-model", inference is null ? null : Path.GetFileName(options.Value.WorldModelPath),
                    checks, batches, batches == 0 ? 0 : (double)checks / batches);
                return new JsonAnswer<WorldModelStatus>(status, ConsoleJsonContext.Default.WorldModelStatus);
            })
            .WithSummary("Who decides on this silo (rules, or rules and the world model), the model file and its inference counts")
            .Produces<WorldModelStatus>();
        console.MapGet("/audit", async (HttpContext context, IServiceProvider services, IOptions<SiloOptions> options) =>
            {
                AuditLog log = options.Value.IsCluster
                    ? new PostgresAuditLog(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<AuditKeyRing>())
                    : new SqliteAuditLog(options.Value.SqlitePath, options.Value.AuditKeyFile is { } keyFile ? AuditKeyRing.Load(keyFile) : null);
                try
                {
                    var (result, unchained) = await log.VerifyAsync(TenantAuthentication.TenantOf(context), context.RequestAborted).ConfigureAwait(false);
                    return (IResult)new JsonAnswer<AuditStatus>(new AuditStatus(result.IsIntact, result.Rows, unchained, result.Problems), ConsoleJsonContext.Default.AuditStatus);
                }
                catch (Exception error)
                {
                    return ApiErrors.From(error);
                }
            })
            .WithSummary("Verifies the tenant's audit chain now (as `safemcp audit verify`)")
            .Produces<AuditStatus>();
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
