namespace SafeMcp.Contracts;

/// <summary>Answer of <c>/healthz</c> and <c>/readyz</c>. They answer without a key, so they name nothing about the host (no silo name, host or pid).</summary>
public sealed record HealthReport(string Status, string Storage);
