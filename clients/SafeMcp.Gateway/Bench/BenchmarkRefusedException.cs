namespace SafeMcp.Gateway.Bench;

/// <summary>A measured call came back as an error (refused by the cluster, or failed upstream).</summary>
internal sealed class BenchmarkRefusedException(string message) : Exception(message);
