using Microsoft.Extensions.Primitives;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Silo.Api;

/// <summary>Authenticates every <c>/v1</c> request by its API key and records the tenant on the request.</summary>
internal sealed class TenantAuthentication(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    private const string TenantItem = "safemcp.tenant";

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
        string? tenant;
        try
        {
            tenant = await authenticator.AuthenticateAsync(key, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            await ApiErrors.From(error).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        if (tenant is null)
        {
            await ApiErrors.Error(StatusCodes.Status401Unauthorized, "invalid_api_key", "The API key is unknown or revoked.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        context.Items[TenantItem] = tenant;
        await next(context).ConfigureAwait(false);
    }

    /// <summary>The authenticated tenant of a request that passed this middleware.</summary>
    public static string TenantOf(HttpContext context) =>
        context.Items[TenantItem] as string ?? throw new InvalidOperationException("The request was not authenticated.");

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
