using SafeMcp.Contracts;

namespace SafeMcp.Client;

/// <summary>The cluster refused a request (4xx) or stayed unavailable after every retry.</summary>
public sealed class SafeMcpException(int statusCode, ApiError error, Exception? inner = null) : Exception($"{statusCode} {error.Code}: {error.Message}", inner)
{
    /// <summary>The HTTP status (0 when no answer came).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The error the cluster gave.</summary>
    public ApiError Error { get; } = error;

    /// <summary>Whether the failure was the cluster being unreachable rather than a refusal.</summary>
    public bool IsUnavailable => StatusCode is 0 or 502 or 503 or 504;
}
