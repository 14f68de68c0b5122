namespace SafeMcp.Silo.Runtime;

/// <summary>Another live silo holds the grain's lease (the grain is moving); the request is retried (503).</summary>
public sealed class LeaseHeldException(string message) : Exception(message);
