namespace SafeMcp.Contracts;

/// <summary>
/// Content the agent ingested outside a tool call (a resource read, a prompt fetched, a listing of prompts or
/// resources), reported so the session's taint follows it as it follows tool results.
/// </summary>
/// <param name="Source">Where the content came from, e.g. <c>resources/read demo://x</c> or <c>prompts/get summarize</c>.</param>
/// <param name="Content">The text content (may be truncated by the caller).</param>
/// <param name="ContentBytes">The size of the whole content, in bytes.</param>
/// <param name="Server">The MCP server the content came from (default <c>default</c>); taint it carries is the whole session's.</param>
public sealed record IngestedContent(string Source, string? Content, long ContentBytes, string? Server = null);
