namespace SafeMcp.Gateway.Config;

/// <summary>The configuration is wrong; the message names the file's line when there is one.</summary>
internal sealed class GatewayConfigException(string message, Exception? inner = null) : Exception(message, inner);
