using SafeMcp.Contracts;
using SafeMcp.Silo.Membership;
using SafeMcp.Silo.Placement;

namespace SafeMcp.Silo.Api;

/// <summary><c>GET /v1/cluster/members</c>: the active silos, so that clients route each session to its owner.</summary>
internal static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster/members", (HttpContext context, SiloMembership membership, RequestForwarder forwarder) =>
            {
                var view = membership.View;
                forwarder.Stamp(context.Response);
                return Results.Json(
                    new ClusterMembers(view.Version, TenantAuthentication.TenantOf(context),
                        view.Active.Select(m => new ClusterMember(m.Address, m.Generation, m.Name)).ToArray()),
                    SafeMcpJsonContext.Default.ClusterMembers);
            })
            .WithTags("cluster").WithSummary("The active silos and the membership version (cluster mode only)")
            .Produces<ClusterMembers>();
    }
}
