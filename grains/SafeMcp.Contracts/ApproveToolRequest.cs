namespace SafeMcp.Contracts;

/// <summary>Approves a quarantined tool. <paramref name="Hash"/>, when given, must be the observed hash the admin reviewed.</summary>
public sealed record ApproveToolRequest(string? Hash = null);
