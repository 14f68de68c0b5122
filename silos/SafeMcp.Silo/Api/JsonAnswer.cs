using System.Text.Json.Serialization.Metadata;

namespace SafeMcp.Silo.Api;

/// <summary>
/// A 200 answer with a JSON body written by its source-generated contract. Unlike <c>Results.Json</c> it asks the
/// request's services for nothing: that result resolves a logger factory from them, which makes ASP.NET Core create a
/// dependency-injection scope for every request only to log at Debug.
/// </summary>
internal sealed class JsonAnswer<T>(T value, JsonTypeInfo<T> typeInfo) : IResult
{
    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        return httpContext.Response.WriteAsJsonAsync(value, typeInfo, contentType: null, httpContext.RequestAborted);
    }
}
