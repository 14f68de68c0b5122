namespace SafeMcp.Contracts;

/// <summary>Grants a session a tool, or every tool with a capability, for a task and a time.</summary>
/// <param name="SessionId">The session granted.</param>
/// <param name="Tool">The tool granted (this or <paramref name="Capability"/>).</param>
/// <param name="Capability">A capability granted (<c>exec</c>, <c>fs.delete</c>, …): every tool that has it.</param>
/// <param name="Task">What the grant is for (kept in the grant, shown in listings).</param>
/// <param name="TtlSeconds">How long the grant lasts (1 s – 24 h).</param>
public sealed record GrantRequest(string SessionId, string? Tool, string? Capability, string Task, int TtlSeconds);
