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
    /// Who made the turn that last opened or re-opened the session (not stored: it matters to the gates that take note
    /// of that turn's tool set, see <see cref="Defenses.Registry.ToolRegistry"/>). Agent until said otherwise.
    /// </summary>
    public SessionOpener Opener { get; set; }

    /// <summary>Fingerprints of the secrets the session read (see <see cref="Rules.SecretTrail"/>); replaced, never changed in place. Not stored.</summary>
    public ulong[] SecretFingerprints { get; set; } = [];

    /// <summary>The tail of the last call's argument strings (see <see cref="Rules.SecretTrail.Carry"/>). Not stored.</summary>
    public string ArgumentCarry { get; set; } = string.Empty;

    private static readonly Dictionary<string, ToolProfile> s_noTools = new(StringComparer.Ordinal);

    /// <summary>
    /// Every tool the server offers, by name. Replaced as a whole (<see cref="ReplaceTools"/>), never changed in place,
    /// so the copy a turn works on shares it with the state it came from (a session may declare hundreds of tools,
    /// and most turns do not change them).
    /// </summary>
    public IReadOnlyDictionary<string, ToolProfile> Tools { get; private set; } = s_noTools;

    /// <summary>Makes <paramref name="tools"/> the session's tool set (a later tool of the same name wins).</summary>
    public void ReplaceTools(IEnumerable<ToolProfile> tools)
    {
        var byName = new Dictionary<string, ToolProfile>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            byName[tool.Name] = tool;
        }
        Tools = byName;
    }

    /// <summary>Takes <paramref name="other"/>'s tool set as it is (it is never changed in place).</summary>
    public void ShareTools(SessionState other) => Tools = other.Tools;

    /// <summary>Tools withheld for the rest of the session, by name.</summary>
    public Dictionary<string, WithheldTool> Withheld { get; } = new(StringComparer.Ordinal);

    /// <summary>The MCP server the session's tools come from, when the client names it (registry pins are per server).</summary>
    public string? Server { get; set; }

    /// <summary>Tools the tenant-level gates hold back now (quarantine, missing grants). Recomputed, never stored.</summary>
    public Dictionary<string, GatedTool> Gated { get; } = new(StringComparer.Ordinal);

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
        Server = other.Server;
        Opener = other.Opener;
        SecretFingerprints = other.SecretFingerprints;
        ArgumentCarry = other.ArgumentCarry;
        CapabilitiesUsed = other.CapabilitiesUsed;
        Taint = other.Taint;
        Sequence = other.Sequence;
        Version = other.Version;
        ShareTools(other);
        Withheld.Clear();
        foreach (var (name, withheld) in other.Withheld)
        {
            Withheld[name] = withheld;
        }
        Gated.Clear();
        RecentCalls.Clear();
        RecentCalls.AddRange(other.RecentCalls);
    }

    /// <summary>Whether the session exists in storage (opened at least once).</summary>
    public bool IsOpen => Version > 0;

    /// <summary>Names of the tools the session may see, sorted.</summary>
    public IReadOnlyList<string> VisibleTools() =>
        Tools.Keys.Where(name => !Withheld.ContainsKey(name) && !Gated.ContainsKey(name)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The session as its client sees it.</summary>
    public SessionView View() => new(
        SessionId,
        VisibleTools(),
        Withheld.Values.Concat(Gated.Values.Where(g => !Withheld.ContainsKey(g.Tool.Name)).Select(g => g.Tool)).OrderBy(w => w.Name, StringComparer.Ordinal).ToArray(),
        TaintNames.Of(Taint),
        Version);
}
