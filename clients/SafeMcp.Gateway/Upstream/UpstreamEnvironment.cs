using ModelContextProtocol.Client;
using SafeMcp.Gateway.Config;

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// The explicit environment of a stdio upstream: the SDK's curated default set (PATH, HOME, locale…), the variables
/// the configuration allowlists (<c>inheritEnv</c>), then its own <c>env</c>. The gateway's own keys never pass.
/// </summary>
internal static class UpstreamEnvironment
{
    /// <summary>True for a variable of the gateway's own that no upstream may see (the cluster's keys and settings).</summary>
    public static bool IsGatewaySecret(string name) => name.StartsWith("SAFEMCP_", StringComparison.OrdinalIgnoreCase);

    /// <summary>The environment <paramref name="server"/> starts with; <paramref name="secretVariables"/> hold keys of the configuration.</summary>
    public static Dictionary<string, string?> For(UpstreamServerConfig server, IReadOnlySet<string> secretVariables, Func<string, string?> environment)
    {
        var result = StdioClientTransportOptions.GetDefaultEnvironmentVariables();
        foreach (var name in server.InheritEnvironment)
        {
            if (environment(name) is { } value)
            {
                result[name] = value;
            }
        }
        foreach (var name in result.Keys.Where(n => IsGatewaySecret(n) || secretVariables.Contains(n)).ToArray())
        {
            result.Remove(name);
        }
        foreach (var (name, value) in server.Environment)
        {
            result[name] = value;
        }
        return result;
    }
}
