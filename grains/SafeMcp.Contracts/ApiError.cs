namespace SafeMcp.Contracts;

/// <summary>The body of every 4xx/5xx answer: a stable code and a sentence for humans.</summary>
/// <param name="Code">Stable machine code, e.g. <c>malformed_json</c>, <c>unknown_session</c>.</param>
/// <param name="Message">What went wrong, for a human.</param>
public sealed record ApiError(string Code, string Message);
