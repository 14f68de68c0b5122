using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses;
using SafeMcp.Grains.Defenses.Baselines;
using SafeMcp.Grains.Defenses.Catalog;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Silo.Api;

/// <summary>The defenses' API: coverage catalogue, tool registry approvals, just-in-time grants, behaviour baselines.</summary>
internal static class DefenseEndpoints
{
    public static void MapDefenseEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/catalog", () => Results.Json(DefenseCatalog.Entries, SafeMcpJsonContext.Default.IReadOnlyListCoverageEntry))
            .WithTags("defenses").WithSummary("Which SAFE-MCP techniques are detected by which layer, with mitigation ids")
            .Produces<IReadOnlyList<CoverageEntry>>();

        var registry = app.MapGroup("/v1/registry").WithTags("registry");
        registry.MapGet("/tools", ListToolsAsync)
            .WithSummary("The tenant's pinned tools (server=, status=approved|quarantined|removed)")
            .Produces<IReadOnlyList<RegisteredTool>>();
        registry.MapPost("/servers/{server}/tools/{tool}/approve", ApproveAsync)
            .AddEndpointFilter(TenantAuthentication.RequireAdminAsync)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .WithSummary("Approve a quarantined tool's observed definition (body: {\"hash\": …} to approve only the version reviewed)")
            .Accepts<ApproveToolRequest>("application/json")
            .Produces<RegisteredTool>()
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);
        registry.MapPost("/servers/{server}/tools/{tool}/reject", RejectAsync)
            .AddEndpointFilter(TenantAuthentication.RequireAdminAsync)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .WithSummary("Reject a tool's observed definition: it stays withheld, an approved one is withdrawn (body: {\"hash\": …} as for approve)")
            .Accepts<ApproveToolRequest>("application/json")
            .Produces<RegisteredTool>()
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict);

        var grants = app.MapGroup("/v1/grants").WithTags("grants");
        grants.MapGet("", ListGrantsAsync).WithSummary("The tenant's grants (sessionId= to filter)").Produces<IReadOnlyList<GrantView>>();
        grants.MapPost("", GrantAsync).AddEndpointFilter(TenantAuthentication.RequireAdminAsync).Produces<ApiError>(StatusCodes.Status403Forbidden).WithSummary("Grant a session a tool or a capability for a task, with an expiry")
            .Accepts<GrantRequest>("application/json").Produces<GrantView>().Produces<ApiError>(StatusCodes.Status400BadRequest);
        grants.MapDelete("/{grantId}", RevokeAsync).AddEndpointFilter(TenantAuthentication.RequireAdminAsync).Produces<ApiError>(StatusCodes.Status403Forbidden).WithSummary("Revoke a grant at once").Produces<GrantView>().Produces<ApiError>(StatusCodes.Status404NotFound);
        grants.MapGet("/policy", GetPolicyAsync).WithSummary("Tools and capabilities that need a grant").Produces<GrantPolicy>();
        grants.MapPut("/policy", SetPolicyAsync).AddEndpointFilter(TenantAuthentication.RequireAdminAsync).Produces<ApiError>(StatusCodes.Status403Forbidden).WithSummary("Replace the tools and capabilities that need a grant")
            .Accepts<GrantPolicy>("application/json").Produces<GrantPolicy>().Produces<ApiError>(StatusCodes.Status400BadRequest);

        app.MapGet("/v1/baselines", (HttpContext context, BaselineMonitor baselines) =>
                Results.Json(baselines.Of(TenantAuthentication.TenantOf(context)), SafeMcpJsonContext.Default.IReadOnlyListBaselineView))
            .WithTags("defenses").WithSummary("Learned behaviour per tool: calls a window and result sizes (this silo)")
            .Produces<IReadOnlyList<BaselineView>>();
    }

    private static Task<IResult> ListToolsAsync(HttpContext context, IToolRegistryStore store, string? server, string? status) =>
        GuardAsync(async () =>
        {
            var pins = await store.ListAsync(TenantAuthentication.TenantOf(context), server, context.RequestAborted).ConfigureAwait(false);
            IReadOnlyList<RegisteredTool> tools = pins.Where(p => status is null || p.Status == status).Select(ToView).ToArray();
            return Results.Json(tools, SafeMcpJsonContext.Default.IReadOnlyListRegisteredTool);
        });

    private static Task<IResult> ApproveAsync(HttpContext context, ToolRegistry registry, IOptions<SiloOptions> options, string server, string tool) =>
        ReviewAsync(context, options, hash => registry.ApproveAsync(TenantAuthentication.TenantOf(context), server, tool, hash, context.RequestAborted));

    private static Task<IResult> RejectAsync(HttpContext context, ToolRegistry registry, IOptions<SiloOptions> options, string server, string tool) =>
        ReviewAsync(context, options, hash => registry.RejectAsync(TenantAuthentication.TenantOf(context), server, tool, hash, context.RequestAborted));

    /// <summary>An approve or reject request: an optional body naming the reviewed hash, then the registry's answer.</summary>
    private static Task<IResult> ReviewAsync(HttpContext context, IOptions<SiloOptions> options, Func<string?, Task<ToolPin>> review) =>
        GuardAsync(async () =>
        {
            // The body is optional but read whatever its framing: a chunked body has no Content-Length, and its hash must not be ignored.
            var (body, error) = await JsonBodyReader.ReadAsync(context.Request, SafeMcpJsonContext.Default.ApproveToolRequest, options.Value.MaxRequestBodyBytes, optional: true).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }
            var pin = await review(body?.Hash).ConfigureAwait(false);
            return Results.Json(ToView(pin), SafeMcpJsonContext.Default.RegisteredTool);
        });

    private static Task<IResult> ListGrantsAsync(HttpContext context, GrantGate gate, string? sessionId) =>
        GuardAsync(async () =>
        {
            var now = DateTimeOffset.UtcNow;
            var grants = await gate.ListAsync(TenantAuthentication.TenantOf(context), sessionId, context.RequestAborted).ConfigureAwait(false);
            IReadOnlyList<GrantView> views = grants.Select(g => ToView(g, now)).ToArray();
            return Results.Json(views, SafeMcpJsonContext.Default.IReadOnlyListGrantView);
        });

    private static Task<IResult> GrantAsync(HttpContext context, GrantGate gate, IOptions<SiloOptions> options) =>
        GuardAsync(async () =>
        {
            var (request, error) = await JsonBodyReader.ReadAsync(context.Request, SafeMcpJsonContext.Default.GrantRequest, options.Value.MaxRequestBodyBytes).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }
            var grant = await gate.GrantAsync(TenantAuthentication.TenantOf(context), request!, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(ToView(grant, DateTimeOffset.UtcNow), SafeMcpJsonContext.Default.GrantView);
        });

    private static Task<IResult> RevokeAsync(HttpContext context, GrantGate gate, string grantId) =>
        GuardAsync(async () =>
        {
            var grant = await gate.RevokeAsync(TenantAuthentication.TenantOf(context), grantId, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(ToView(grant, DateTimeOffset.UtcNow), SafeMcpJsonContext.Default.GrantView);
        });

    private static Task<IResult> GetPolicyAsync(HttpContext context, GrantGate gate) =>
        GuardAsync(async () => Results.Json(await gate.GetPolicyAsync(TenantAuthentication.TenantOf(context), context.RequestAborted).ConfigureAwait(false), SafeMcpJsonContext.Default.GrantPolicy));

    private static Task<IResult> SetPolicyAsync(HttpContext context, GrantGate gate, IOptions<SiloOptions> options) =>
        GuardAsync(async () =>
        {
            var (policy, error) = await JsonBodyReader.ReadAsync(context.Request, SafeMcpJsonContext.Default.GrantPolicy, options.Value.MaxRequestBodyBytes).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }
            var saved = await gate.SetPolicyAsync(TenantAuthentication.TenantOf(context), policy!, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(saved, SafeMcpJsonContext.Default.GrantPolicy);
        });

    private static async Task<IResult> GuardAsync(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (Exception error)
        {
            return ApiErrors.From(error);
        }
    }

    private static RegisteredTool ToView(ToolPin pin) =>
        new(pin.Server, pin.Tool, pin.Status, pin.Reason, pin.ApprovedHash, pin.ObservedHash, ToolFingerprint.ParseDefinition(pin.DefinitionJson), pin.UpdatedAt);

    private static GrantView ToView(Grant grant, DateTimeOffset now) =>
        new(grant.GrantId, grant.SessionId, grant.Tool, grant.Capability, grant.Task, grant.CreatedAt, grant.ExpiresAt, grant.RevokedAt, grant.IsActive(now));
}
