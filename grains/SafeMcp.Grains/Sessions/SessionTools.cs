using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Sessions;

/// <summary>
/// A session's tools across its servers, keyed by (server, tool), with an index by name. Immutable: a change builds a
/// new set (<see cref="WithSlice"/>), so turns share it with the state they came from.
/// </summary>
public sealed class SessionTools
{
    /// <summary>The set with no tools.</summary>
    public static SessionTools Empty { get; } = new(new Dictionary<ToolKey, ToolProfile>());

    private readonly Dictionary<ToolKey, ToolProfile> _byKey;
    private readonly Dictionary<string, ToolProfile[]> _byName;

    private SessionTools(Dictionary<ToolKey, ToolProfile> byKey)
    {
        _byKey = byKey;
        _byName = new Dictionary<string, ToolProfile[]>(byKey.Count, StringComparer.Ordinal);
        foreach (var group in byKey.Values.GroupBy(tool => tool.Name, StringComparer.Ordinal))
        {
            _byName[group.Key] = group.OrderBy(tool => tool.Server, StringComparer.Ordinal).ToArray();
        }
        Servers = byKey.Keys.Select(key => key.Server).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Ordered = byKey.Values.ToArray();
    }

    /// <summary>A set of <paramref name="tools"/> (a later tool of the same server and name wins).</summary>
    public static SessionTools Of(IEnumerable<ToolProfile> tools)
    {
        var byKey = new Dictionary<ToolKey, ToolProfile>();
        foreach (var tool in tools)
        {
            byKey[tool.Key] = tool;
        }
        return byKey.Count == 0 ? Empty : new SessionTools(byKey);
    }

    /// <summary>This set with <paramref name="server"/>'s slice replaced by <paramref name="tools"/>; the other servers' tools stay.</summary>
    public SessionTools WithSlice(string server, IEnumerable<ToolProfile> tools)
    {
        // The slice takes the place of the one it replaces, so the order of servers (and the stored document) is stable.
        var slice = tools.Select(tool => tool.Server == server ? tool : tool with { Server = server });
        var next = new List<ToolProfile>(Ordered.Count);
        var placed = false;
        foreach (var tool in Ordered)
        {
            if (tool.Server != server)
            {
                next.Add(tool);
            }
            else if (!placed)
            {
                next.AddRange(slice);
                placed = true;
            }
        }
        if (!placed)
        {
            next.AddRange(slice);
        }
        return Of(next);
    }

    /// <summary>How many tools, all servers together.</summary>
    public int Count => _byKey.Count;

    /// <summary>Every tool: servers in the order they first opened their slice, each server's tools in the order it listed them.</summary>
    public IReadOnlyList<ToolProfile> Ordered { get; }

    /// <summary>Every tool, in no particular order.</summary>
    public IEnumerable<ToolProfile> Values => _byKey.Values;

    /// <summary>The servers that have tools in the session, sorted.</summary>
    public IReadOnlyList<string> Servers { get; }

    /// <summary>The tools of <paramref name="server"/>.</summary>
    public IEnumerable<ToolProfile> Of(string server) => Ordered.Where(tool => tool.Server == server);

    /// <summary>Whether the session has the tool <paramref name="key"/>.</summary>
    public bool Contains(ToolKey key) => _byKey.ContainsKey(key);

    /// <summary>The tool <paramref name="key"/>, if the session has it.</summary>
    public bool TryGet(ToolKey key, out ToolProfile tool) => _byKey.TryGetValue(key, out tool!);

    /// <summary>The one tool named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The session has no tool of that name.</exception>
    /// <exception cref="InvalidOperationException">Several servers offer a tool of that name.</exception>
    public ToolProfile this[string name] => Named(name) switch
    {
        [var one] => one,
        [] => throw new KeyNotFoundException($"No tool '{name}' in the session."),
        _ => throw new InvalidOperationException($"Several servers offer '{name}'."),
    };

    /// <summary>The tools named <paramref name="name"/>, one a server (sorted by server); empty when none.</summary>
    public IReadOnlyList<ToolProfile> Named(string name) => _byName.TryGetValue(name, out var tools) ? tools : [];

    /// <summary>
    /// The tool's name in the whole session: its plain name when no other server of the session offers that name,
    /// else <c>server/tool</c>. What the world model, whole-session views and decisions call it.
    /// </summary>
    public string SessionName(ToolProfile tool) => Named(tool.Name).Count > 1 ? tool.Key.Qualified : tool.Name;

    /// <summary>The session name of <paramref name="key"/> (see <see cref="SessionName(ToolProfile)"/>).</summary>
    public string SessionName(ToolKey key) => Named(key.Name).Count > 1 ? key.Qualified : key.Name;

    /// <summary>
    /// The tools a session name stands for: the tool of that plain name when only one server offers it, the tool of a
    /// qualified name <c>server/tool</c>, and every tool of a plain name several servers share (a rule that names a tool
    /// by its plain name withholds it wherever it is offered).
    /// </summary>
    public IReadOnlyList<ToolProfile> Resolve(string sessionName)
    {
        var named = Named(sessionName);
        if (named.Count > 0)
        {
            return named;
        }
        for (var slash = sessionName.IndexOf('/'); slash > 0; slash = sessionName.IndexOf('/', slash + 1))
        {
            if (_byKey.TryGetValue(new ToolKey(sessionName[..slash], sessionName[(slash + 1)..]), out var tool) && Named(tool.Name).Count > 1)
            {
                return [tool];
            }
        }
        return [];
    }
}
