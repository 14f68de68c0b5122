using SafeMcp.Contracts;

namespace SafeMcp.Grains.Storage;

/// <summary>A decision as the audit log keeps it, with the call's arguments.</summary>
public sealed record AuditRecord(Decision Decision, string ArgumentsJson, string? Thought);
