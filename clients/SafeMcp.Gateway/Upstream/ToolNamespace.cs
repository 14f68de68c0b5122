namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// How an aggregating endpoint names what its upstreams offer: <c>{server}__{name}</c> (server names hold no
/// <c>__</c>, so the first separator splits a name back, and two servers' tools never collide). The scheme is stable:
/// it depends only on the configured server name and the upstream's own name.
/// </summary>
internal static class ToolNamespace
{
    /// <summary>Between the server's name and the upstream's own name.</summary>
    public const string Separator = "__";

    /// <summary>The name a client sees for <paramref name="name"/> of <paramref name="server"/>.</summary>
    public static string Join(string server, string name) => server + Separator + name;

    /// <summary>Splits a client's name into the server and the upstream's own name; false when it has no namespace.</summary>
    public static bool TrySplit(string qualified, out string server, out string name)
    {
        var at = qualified.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0)
        {
            (server, name) = ("", "");
            return false;
        }
        (server, name) = (qualified[..at], qualified[(at + Separator.Length)..]);
        return name.Length > 0;
    }
}
