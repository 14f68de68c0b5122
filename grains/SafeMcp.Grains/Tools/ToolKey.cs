namespace SafeMcp.Grains.Tools;

/// <summary>A tool's identity in a session: the MCP server that offers it and its name there.</summary>
/// <param name="Server">The server's name (<c>default</c> when the client names none).</param>
/// <param name="Name">The tool's name, as its server advertises it.</param>
public readonly record struct ToolKey(string Server, string Name) : IComparable<ToolKey>
{
    /// <summary>The key of <paramref name="withheld"/> (a withheld entry stored before servers were kept is of <c>default</c>).</summary>
    public static ToolKey Of(Contracts.WithheldTool withheld) => new(withheld.Server ?? Contracts.SessionKeys.DefaultServer, withheld.Name);

    /// <summary>Orders by server, then name (ordinal).</summary>
    public int CompareTo(ToolKey other)
    {
        var byServer = string.CompareOrdinal(Server, other.Server);
        return byServer != 0 ? byServer : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary>The qualified form <c>server/tool</c>, the name a tool takes where another server offers the same name.</summary>
    public string Qualified => $"{Server}/{Name}";
}
