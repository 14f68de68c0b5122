namespace SafeMcp.Gateway.Upstream;

/// <summary>An upstream server could not be started or reached, or did not finish its MCP handshake.</summary>
internal sealed class UpstreamUnreachableException(string message, Exception inner) : Exception(message, inner);
