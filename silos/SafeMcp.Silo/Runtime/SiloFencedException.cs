namespace SafeMcp.Silo.Runtime;

/// <summary>This silo could not renew its membership in time and must not decide (503; the client retries elsewhere).</summary>
public sealed class SiloFencedException(string message) : Exception(message);
