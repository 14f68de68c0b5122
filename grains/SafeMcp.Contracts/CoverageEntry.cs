namespace SafeMcp.Contracts;

/// <summary>One SAFE-MCP technique the cluster acts on: what detects it and which mitigations it implements.</summary>
/// <param name="Technique">The technique id, e.g. <c>SAFE-T1201</c>.</param>
/// <param name="Name">The technique's name in the SAFE-MCP catalogue.</param>
/// <param name="DetectedBy">The decision layers that act on it (as in <see cref="Decision.DecidedBy"/>).</param>
/// <param name="How">What the layers do, in one sentence.</param>
/// <param name="Mitigations">SAFE-MCP mitigation ids (SAFE-M-…) the defense implements.</param>
public sealed record CoverageEntry(string Technique, string Name, IReadOnlyList<string> DetectedBy, string How, IReadOnlyList<string> Mitigations);
