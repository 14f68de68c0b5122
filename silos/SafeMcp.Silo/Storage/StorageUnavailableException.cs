namespace SafeMcp.Silo.Storage;

/// <summary>Storage cannot commit or read now. The silo fails closed: the caller gets 503 and no decision.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner) : Exception(message, inner);
