using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace SafeMcp.Silo.Api;

/// <summary>
/// Reads a JSON request body under the silo's limits: size (413), UTF-8 validity, syntax and nesting depth (400).
/// Nothing reaches a grain unless the whole body passed.
/// </summary>
internal static class JsonBodyReader
{
    /// <summary>
    /// Reads the body whatever its framing (Content-Length or chunked). With <paramref name="optional"/>, a request that
    /// has no body, or an empty one, gives neither a value nor an error; otherwise an empty body is a 400.
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, int maxBytes, bool optional = false) where T : class
    {
        if (optional && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return (null, null);
        }
        if (request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiErrors.Error(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send the body as application/json."));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and var length ? (int)length : 4096);
        var count = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    if (buffer.Length >= maxBytes + 1)
                    {
                        return (null, TooLarge(maxBytes));
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(count, Math.Min(buffer.Length, maxBytes + 1) - count), request.HttpContext.RequestAborted).ConfigureAwait(false);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    return (null, TooLarge(maxBytes));
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
                {
                    // The body came slower than Kestrel's MinRequestBodyDataRate: the client's fault, answered, not logged as a crash.
                    return (null, ApiErrors.Error(StatusCodes.Status408RequestTimeout, "body_too_slow", "The request body arrived too slowly."));
                }
                catch (BadHttpRequestException e)
                {
                    return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "bad_body", $"The request body could not be read: {FirstSentence(e.Message)}"));
                }
                if (read == 0)
                {
                    break;
                }
                count += read;
                if (count > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }
            }

            var body = buffer.AsSpan(0, count);
            if (count == 0)
            {
                if (optional)
                {
                    return (null, null);
                }
                return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "empty_body", "The request needs a JSON body."));
            }
            if (!Utf8.IsValid(body))
            {
                return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "invalid_utf8", "The body is not valid UTF-8."));
            }
            try
            {
                var value = JsonSerializer.Deserialize(body, typeInfo);
                return value is null
                    ? (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "malformed_json", "The body is JSON null; an object is expected."))
                    : (value, null);
            }
            catch (JsonException e) when (e.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase))
            {
                return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "too_deep", $"The body nests deeper than {Contracts.SafeMcpJsonContext.MaxDepth} levels."));
            }
            catch (JsonException e)
            {
                return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "malformed_json", $"The body is not valid JSON for this request: {FirstSentence(e.Message)}"));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        ApiErrors.Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than {maxBytes} bytes.");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
