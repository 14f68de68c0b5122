namespace SafeMcp.Contracts;

/// <summary>One tool's learned behaviour in a tenant: calls a window and typical result size.</summary>
public sealed record BaselineView(string Tool, int Windows, double CallsPerWindowMean, double CallsPerWindowStdDev, long ResultSamples, double TypicalResultBytes);
