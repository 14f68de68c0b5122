using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Sessions;

/// <summary>Everything the cluster knows about one agent session. Owned by its grain; one turn at a time.</summary>
public sealed class SessionState
{
    public SessionState(string tenantId, string sessionId)
    {
        TenantId = tenantId;
        SessionId = sessionId;
    }

    /// <summary>The tenant the session belongs to.</summary>
    public string TenantId { get; }

    /// <summary>The session id, unique within a tenant.</summary>
    public string SessionId { get; }

    private string? _instruction;
    private bool? _asksToEscapeOversight;

    /// <summary>The user's task, when given.</summary>
    public string? Instruction
    {
        get => _instruction;
        set
        {
            if (!ReferenceEquals(value, _instruction))
            {
                _instruction = value;
                _asksToEscapeOversight = null;
            }
        }
    }

    /// <summary>
    /// Whether the instruction asks for the work to escape oversight (<see cref="Rules.OversightEvasion"/>): read once an
    /// instruction, not at every call.
    /// </summary>
    public bool AsksToEscapeOversight => _asksToEscapeOversight ??= Rules.OversightEvasion.Asked(_instruction);

    /// <summary>
    /// Every tool of every server of the session, keyed by (server, tool). Replaced as a whole, never changed in place,
    /// so the copy a turn works on shares it with the state it came from (a session may declare hundreds of tools,
    /// and most turns do not change them).
    /// </summary>
    public SessionTools Tools { get; private set; } = SessionTools.Empty;

    /// <summary>Makes <paramref name="tools"/> the session's whole tool set (a later tool of the same server and name wins).</summary>
    public void ReplaceTools(IEnumerable<ToolProfile> tools) => Tools = SessionTools.Of(tools);

    /// <summary>Replaces <paramref name="server"/>'s slice of the tools with <paramref name="tools"/>; the other servers' tools stay.</summary>
    public void ReplaceSlice(string server, IEnumerable<ToolProfile> tools) => Tools = Tools.WithSlice(server, tools);

    /// <summary>Takes <paramref name="other"/>'s tool set as it is (it is never changed in place).</summary>
    public void ShareTools(SessionState other) => Tools = other.Tools;

    /// <summary>Tools withheld for the rest of the session, by (server, tool).</summary>
    public Dictionary<ToolKey, WithheldTool> Withheld { get; } = new();

    /// <summary>Tools the tenant-level gates hold back now (quarantine, missing grants). Recomputed, never stored.</summary>
    public Dictionary<ToolKey, GatedTool> Gated { get; } = new();

    /// <summary>Capabilities the session has exercised through allowed calls.</summary>
    public Capability CapabilitiesUsed { get; set; }

    /// <summary>Taint labels of the data the session has taken in.</summary>
    public Taint Taint { get; set; }

    /// <summary>The last decision's sequence number (0 before the first).</summary>
    public long Sequence { get; set; }

    /// <summary>The state's version, its ETag: bumped by every committed write.</summary>
    public long Version { get; set; }

    /// <summary>The most recent calls, newest last, bounded by <see cref="SessionGrainOptions.RecentCallsKept"/>.</summary>
    public List<CallRecord> RecentCalls { get; } = [];

    /// <summary>
    /// Makes this state a copy of <paramref name="other"/> (of the same session) for a turn to work on, reusing this
    /// state's collections: the tool set and the history's records are shared (neither is changed in place; a record is replaced, not changed), the
    /// withheld tools copied, the gates left empty (each turn that needs them asks again).
    /// </summary>
    public void CopyFrom(SessionState other)
    {
        if (other.TenantId != TenantId || other.SessionId != SessionId)
        {
            throw new ArgumentException("A state copies only the state of its own session.", nameof(other));
        }
        Instruction = other.Instruction;
        _asksToEscapeOversight = other._asksToEscapeOversight;
        CapabilitiesUsed = other.CapabilitiesUsed;
        Taint = other.Taint;
        Sequence = other.Sequence;
        Version = other.Version;
        ShareTools(other);
        Withheld.Clear();
        foreach (var (key, withheld) in other.Withheld)
        {
            Withheld[key] = withheld;
        }
        Gated.Clear();
        RecentCalls.Clear();
        RecentCalls.AddRange(other.RecentCalls);
    }

    /// <summary>Whether the session exists in storage (opened at least once).</summary>
    public bool IsOpen => Version > 0;

    /// <summary>Whether <paramref name="key"/> is withheld or held back now.</summary>
    public bool IsHidden(ToolKey key) => Withheld.ContainsKey(key) || Gated.ContainsKey(key);

    /// <summary>The tools the session may see, in the session's order (<see cref="SessionTools.Ordered"/>).</summary>
    public IEnumerable<ToolProfile> VisibleProfiles() => Tools.Ordered.Where(tool => !IsHidden(tool.Key));

    /// <summary>Session names (<see cref="SessionTools.SessionName(ToolProfile)"/>) of the tools the session may see, sorted.</summary>
    public IReadOnlyList<string> VisibleTools() =>
        VisibleProfiles().Select(Tools.SessionName).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The withheld and held-back tools, each once (a withholding wins over a gate), by server then name.</summary>
    public IEnumerable<WithheldTool> HiddenTools() =>
        Withheld.Values.Select(Named)
            .Concat(Gated.Where(g => !Withheld.ContainsKey(g.Key)).Select(g => Named(g.Value.Tool)))
            .OrderBy(w => w.Server, StringComparer.Ordinal).ThenBy(w => w.Name, StringComparer.Ordinal);

    /// <summary>The session as its client sees it: the whole session, or only <paramref name="server"/>'s slice.</summary>
    public SessionView View(string? server = null)
    {
        if (server is null)
        {
            return new SessionView(SessionId, VisibleTools(), HiddenTools().ToArray(), TaintNames.Of(Taint), Version,
                Servers: Tools.Servers.Select(Slice).ToArray());
        }
        var slice = Slice(server);
        return new SessionView(SessionId, slice.VisibleTools, HiddenTools().Where(w => w.Server == server).ToArray(), TaintNames.Of(Taint), Version,
            server, [slice]);
    }

    private ServerTools Slice(string server)
    {
        var visible = new List<string>();
        var hidden = new List<string>();
        foreach (var tool in Tools.Of(server))
        {
            (IsHidden(tool.Key) ? hidden : visible).Add(tool.Name);
        }
        visible.Sort(StringComparer.Ordinal);
        hidden.Sort(StringComparer.Ordinal);
        return new ServerTools(server, visible, hidden);
    }

    private static WithheldTool Named(WithheldTool tool) => tool.Server is null ? tool with { Server = SessionKeys.DefaultServer } : tool;
}
