namespace SafeMcp.Grains.Storage;

/// <summary>A write lost its race: the stored version or lease epoch moved on. The activation must drop its state.</summary>
public sealed class StaleStateException(string message) : Exception(message);
