namespace SafeMcp.Grains.Defenses.Poisoning;

/// <summary>One sign of poisoning in a tool's metadata.</summary>
/// <param name="Technique">The SAFE-MCP technique the sign belongs to.</param>
/// <param name="Field">Where it was found: <c>description</c>, <c>title</c>, <c>annotations</c> or <c>schema:&lt;path&gt;</c>.</param>
/// <param name="Cue">What was found, for the human reading the decision.</param>
public sealed record PoisoningHit(string Technique, string Field, string Cue);
