using SafeMcp.Client.Mcp.Sessions;

namespace SafeMcp.Client.Mcp.Gates;

/// <summary>What every gate of one hooked server shares: its options, its client of the cluster and its sessions.</summary>
internal sealed class SafeMcpHook(SafeMcpOptions options, string serverName) : IDisposable
{
    /// <summary>The options the hook was configured with.</summary>
    public SafeMcpOptions Options { get; } = options;

    /// <summary>This server's name: its slice of every session's tools (<see cref="SafeMcpOptions.ServerName"/>).</summary>
    public string ServerName { get; } = serverName;

    /// <summary>The cluster's client (pooled connections, retries, fail-closed decisions).</summary>
    public SafeMcpClient Client { get; } = new(options.ToClientOptions());

    /// <summary>The sessions this server serves.</summary>
    public SessionDirectory Sessions { get; } = new(options);

    public void Dispose() => Client.Dispose();
}
