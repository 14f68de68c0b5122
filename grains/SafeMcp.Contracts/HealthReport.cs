namespace SafeMcp.Contracts;

/// <summary>Answer of <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed record HealthReport(string Status, string Silo, string Storage);
