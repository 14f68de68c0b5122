namespace SafeMcp.Client.Mcp.Sessions;

/// <summary>
/// A set of tool names last shown to a client, replaced as a whole: <see cref="Observe"/> says whether a new answer
/// changed it, which is when <c>tools/list_changed</c> is due. Safe to share between concurrent requests.
/// </summary>
internal sealed class ToolNameSet
{
    private readonly Lock _lock = new();
    private HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The names last observed (never changed in place).</summary>
    public IReadOnlySet<string> Names
    {
        get
        {
            lock (_lock)
            {
                return _names;
            }
        }
    }

    /// <summary>Records <paramref name="names"/>; returns whether they differ from the ones before.</summary>
    public bool Observe(IEnumerable<string> names)
    {
        var next = new HashSet<string>(names, StringComparer.Ordinal);
        lock (_lock)
        {
            if (next.SetEquals(_names))
            {
                return false;
            }
            _names = next;
            return true;
        }
    }
}
