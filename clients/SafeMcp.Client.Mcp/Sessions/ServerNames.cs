using System.Reflection;
using System.Text;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Sessions;

/// <summary>The name a hooked server's slice of the session's tools goes by (see <see cref="SafeMcpOptions.ServerName"/>).</summary>
internal static class ServerNames
{
    /// <summary>Longest server name the cluster accepts.</summary>
    private const int MaxLength = 128;

    /// <summary>The configured name, else the implementation name, else the entry assembly's, else <c>default</c>.</summary>
    public static string Resolve(string? configured, string? implementationName)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured; // the cluster says so when it is not a valid name
        }
        var derived = Sanitize(implementationName) ?? Sanitize(Assembly.GetEntryAssembly()?.GetName().Name);
        return derived ?? SessionKeys.DefaultServer;
    }

    private static string? Sanitize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var text = new StringBuilder(Math.Min(name.Length, MaxLength));
        foreach (var c in name.Trim().AsSpan(0, Math.Min(name.Trim().Length, MaxLength)))
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '/' or '-' ? c : '-');
        }
        return text.ToString();
    }
}
