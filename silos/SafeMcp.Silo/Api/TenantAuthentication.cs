using Microsoft.Extensions.Primitives;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Silo.Api;

/// <summary>Authenticates every <c>/v1</c> request by its API key and records the tenant on the request.</summary>
internal sealed class TenantAuthentication(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var key = ReadKey(context.Request);
        if (key is null)
        {
            await ApiErrors.Error(StatusCodes.Status401Unauthorized, "missing_api_key",
                "Send the tenant's API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        KeyOwner? owner;
        try
        {
            owner = await authenticator.AuthenticateAsync(key, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            await ApiErrors.From(error).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        if (owner is null)
        {
            await ApiErrors.Error(StatusCodes.Status401Unauthorized, "invalid_api_key", "The API key is unknown or revoked.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        // A feature, not an item: Items is a dictionary made for each request, features of a connection reuse their list.
        context.Features.Set(owner);
        await next(context).ConfigureAwait(false);
    }

    /// <summary>The authenticated tenant of a request that passed this middleware.</summary>
    public static string TenantOf(HttpContext context) => OwnerOf(context).TenantId;

    /// <summary>The authenticated key's tenant and role.</summary>
    public static KeyOwner OwnerOf(HttpContext context) =>
        context.Features.Get<KeyOwner>() ?? throw new InvalidOperationException("The request was not authenticated.");

    /// <summary>
    /// An endpoint filter that admits only admin keys: approving a quarantined tool, granting or revoking and setting
    /// policy must not be open to the agent keys MCP servers hold (a server could approve its own rug pull).
    /// </summary>
    public static ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next) =>
        OwnerOf(invocation.HttpContext).Role == KeyRole.Admin
            ? next(invocation)
            : ValueTask.FromResult<object?>(ApiErrors.Error(StatusCodes.Status403Forbidden, "admin_key_required",
                "This operation needs an admin key of the tenant ('safemcp tenant add-key <tenant> --admin'); agent keys may not change the registry, grants or policy."));

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var apiKey) && !StringValues.IsNullOrEmpty(apiKey))
        {
            return apiKey.ToString().Trim();
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }
}
