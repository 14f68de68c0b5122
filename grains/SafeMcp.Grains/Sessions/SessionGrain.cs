using System.Text.Json;
using System.Text.RegularExpressions;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Storage;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Sessions;

/// <summary>
/// The logic of one session: open it, decide its calls, take in their outcomes. A plain object: the
/// runtime guarantees one activation per session and one turn at a time; the grain only assumes that.
/// Every turn that changes state commits it (with its audit row) before it returns.
/// </summary>
public sealed partial class SessionGrain
{
    /// <summary>Longest <see cref="IngestedContent.Source"/> accepted.</summary>
    public const int MaxIngestSourceChars = 512;

    private readonly ISessionStore _store;
    private readonly DecisionPipeline _pipeline;
    private readonly SessionGrainOptions _options;
    private readonly TimeProvider _time;
    private SessionState _state;

    // The state the next turn works on, reused: a committed turn's new state becomes the session's and the previous one
    // the next turn's (see NextState). So a turn allocates no new long-lived state, only what it adds (a call record);
    // a state allocated per turn lived until the session's next turn, long enough for the collector to promote and
    // copy it, and under load that promotion was most of every collection's pause.
    private SessionState? _spare;

    private SessionGrain(SessionState state, ISessionStore store, DecisionPipeline pipeline, SessionGrainOptions options, TimeProvider time)
    {
        _state = state;
        _store = store;
        _pipeline = pipeline;
        _options = options;
        _time = time;
    }

    /// <summary>The session's state (read-only use outside the grain's turns).</summary>
    public SessionState State => _state;

    /// <summary>The lease epoch every write of this activation carries (0 when storage does not fence).</summary>
    public long Epoch { get; set; }

    /// <summary>Activates a session grain: loads its state from <paramref name="store"/>.</summary>
    public static async Task<SessionGrain> ActivateAsync(
        string tenantId, string sessionId, ISessionStore store, DecisionPipeline pipeline, SessionGrainOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ValidateSessionId(sessionId);
        var stored = await store.LoadAsync(tenantId, sessionId, options.RecentCallsKept, cancellationToken).ConfigureAwait(false);
        var state = stored is null ? new SessionState(tenantId, sessionId) : SessionCodec.Restore(tenantId, sessionId, stored, options);
        return new SessionGrain(state, store, pipeline, options, time);
    }

    /// <summary>Opens the session or refreshes its tools and instruction.</summary>
    public async Task<SessionView> OpenAsync(OpenSessionRequest request, CancellationToken cancellationToken)
    {
        if (request.SessionId != _state.SessionId)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "session_id_mismatch", "The body's sessionId differs from the session addressed.");
        }
        var tools = ValidateTools(request.Tools);
        if (request.Instruction is { Length: > 16_384 })
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "instruction_too_long", "The instruction is longer than 16384 characters.");
        }

        var server = ValidateServer(request.Server) ?? SessionKeys.DefaultServer;
        if (_state.IsOpen && SameSlice(server, tools, request.Instruction))
        {
            return await ViewAsync(server, cancellationToken).ConfigureAwait(false);
        }

        var next = _state.IsOpen ? NextState() : new SessionState(_state.TenantId, _state.SessionId);
        next.Instruction = request.Instruction ?? _state.Instruction;
        // Only this server's slice: the other servers' tools, and everything the session learnt, stay.
        next.ReplaceSlice(server, tools.Select(tool => ToolProfile.Classify(tool, server)));
        _pipeline.ApplyVisibility(next);
        await _pipeline.InspectOpeningAsync(next, cancellationToken).ConfigureAwait(false);
        await _pipeline.ObserveDefinitionAsync(next, server, cancellationToken).ConfigureAwait(false);
        var withheldAtOpen = next.Withheld.Where(w => !_state.Withheld.ContainsKey(w.Key)).Select(w => w.Value).ToArray();
        await CommitAsync(next, SessionCodec.DefinitionJson(next, withheldAtOpen), audit: null, outcome: null, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(server, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tools the session may see now, with the tenant-level gates asked again.</summary>
    public Task<SessionView> ViewAsync(CancellationToken cancellationToken) => ViewAsync(null, cancellationToken);

    /// <summary>
    /// The tools the session may see now, with the tenant-level gates asked again: the whole session's, or only
    /// <paramref name="server"/>'s slice (an empty slice for a server the session has no tools of).
    /// </summary>
    public async Task<SessionView> ViewAsync(string? server, CancellationToken cancellationToken)
    {
        EnsureOpen();
        ValidateServer(server);
        await _pipeline.ApplyGatesAsync(_state, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return _state.View(server);
    }

    /// <summary>The tools the session may see now (the whole session's).</summary>
    public SessionView View()
    {
        EnsureOpen();
        return _state.View();
    }

    /// <summary>Decides one call. The decision is committed before it is returned.</summary>
    public async Task<Decision> DecideAsync(DecideRequest request, CancellationToken cancellationToken)
    {
        EnsureOpen();
        if (string.IsNullOrEmpty(request.Tool) || request.Tool.Length > 256)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_tool_name", "A call names a tool of 1–256 characters.");
        }
        if (request.Arguments is { } args && args.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_arguments", "A call's arguments are a JSON object.");
        }

        var called = Resolve(request);
        var server = called?.Server ?? request.Server ?? SessionKeys.DefaultServer;
        var next = NextState();
        var now = _time.GetUtcNow();
        await _pipeline.ApplyGatesAsync(next, now, cancellationToken).ConfigureAwait(false);
        CombinedFindings verdict;
        var capabilities = Capability.None;
        if (called is not { } tool)
        {
            verdict = FindingCombiner.Combine([new Finding("session", Verdict.Deny,
                $"'{request.Tool}' is not a tool of {(request.Server is null ? "this session" : $"server '{request.Server}' in this session")}.", ["SAFE-T1103"])]);
        }
        else if (next.Withheld.TryGetValue(tool.Key, out var withheld))
        {
            verdict = FindingCombiner.Combine([new Finding("filter", Verdict.Deny,
                $"'{request.Tool}' is withheld: {withheld.Reason}", withheld.Techniques)]);
        }
        else if (next.Gated.TryGetValue(tool.Key, out var gated))
        {
            verdict = FindingCombiner.Combine([new Finding(gated.Layer, Verdict.Deny,
                $"'{request.Tool}' is held back: {gated.Tool.Reason}", gated.Tool.Techniques)]);
        }
        else
        {
            var (signals, callCapabilities) = CallInspector.Inspect(tool, request.Arguments);
            capabilities = callCapabilities;
            var findings = await _pipeline.InspectAsync(new CallContext(_state, tool, request, signals, callCapabilities), cancellationToken).ConfigureAwait(false);
            verdict = FindingCombiner.Combine(findings);
        }

        if (verdict.Verdict != Verdict.Deny)
        {
            next.Taint |= verdict.AddTaint;
            next.CapabilitiesUsed |= capabilities;
        }
        foreach (var name in verdict.WithholdTools)
        {
            foreach (var named in next.Tools.Resolve(name))
            {
                next.Withheld.TryAdd(named.Key, new WithheldTool(named.Name, string.Join(" ", verdict.Reasons), verdict.Techniques, named.Server));
            }
        }
        _pipeline.ApplyVisibility(next);

        next.Sequence++;
        var argumentsJson = CallHash.ArgumentsJson(request);
        // The session's own strings for a known tool's name and server: the request's live on in the history otherwise.
        next.RecentCalls.Add(CallRecord.Decided(next.Sequence, called?.Server ?? server, called?.Name ?? request.Tool, verdict.Verdict, argumentsJson, _options));
        if (next.RecentCalls.Count > _options.RecentCallsKept)
        {
            next.RecentCalls.RemoveRange(0, next.RecentCalls.Count - _options.RecentCallsKept);
        }

        var decision = new Decision(
            next.SessionId,
            next.Sequence,
            request.Tool,
            verdict.Verdict,
            HiddenTools(next),
            verdict.Reasons.Count == 0 ? s_noHazard : verdict.Reasons,
            verdict.Techniques,
            verdict.DecidedBy.Count == 0 ? s_decidedByRules : verdict.DecidedBy,
            now,
            server);
        await CommitAsync(next, definitionJson: null, new AuditRecord(decision, argumentsJson, request.Thought), outcome: null, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>Takes in what a call returned: taint found in it may withhold more tools.</summary>
    public async Task<SessionView> ReportOutcomeAsync(OutcomeReport report, CancellationToken cancellationToken)
    {
        EnsureOpen();
        if (report.Sequence < 1 || report.Sequence > _state.Sequence)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "unknown_sequence",
                $"Sequence {report.Sequence} is not a decision of this session (last is {_state.Sequence}).");
        }
        if (report.ResultBytes < 0)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_result_bytes", "resultBytes cannot be negative.");
        }
        if (ValidateServer(report.Server) is { } reporter
            && _state.RecentCalls.FindIndex(call => call.Sequence == report.Sequence) is var at and >= 0
            && _state.RecentCalls[at].Server != reporter)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "server_mismatch",
                $"Decision {report.Sequence} was a call of server '{_state.RecentCalls[at].Server}', not '{reporter}'.");
        }

        var found = ContentScanner.Scan(report.Content);
        var next = NextState();
        next.Taint |= found;
        foreach (var withheld in _pipeline.ObserveOutcome(next, report, _time.GetUtcNow()))
        {
            if (next.Tools.Contains(ToolKey.Of(withheld)))
            {
                next.Withheld.TryAdd(ToolKey.Of(withheld), withheld);
            }
        }
        var outcome = new OutcomeRecord(
            report.Sequence,
            report.IsError,
            report.ResultBytes,
            string.Join(",", TaintNames.Of(found)),
            ContentScanner.Redact(report.Content ?? string.Empty, _options.ObservationExcerptChars));
        var reported = next.RecentCalls.FindIndex(call => call.Sequence == report.Sequence);
        if (reported >= 0)
        {
            next.RecentCalls[reported] = next.RecentCalls[reported].Reported(outcome.ObservationExcerpt, _options);
        }
        _pipeline.ApplyVisibility(next);
        await CommitAsync(next, definitionJson: null, audit: null, outcome, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(report.Server, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes in content the agent ingested outside a tool call (a resource, a prompt): taint found in it counts as
    /// taint from a tool result, so instructions injected there make later sensitive calls need a human.
    /// </summary>
    public async Task<SessionView> IngestAsync(IngestedContent content, CancellationToken cancellationToken)
    {
        EnsureOpen();
        if (string.IsNullOrWhiteSpace(content.Source) || content.Source.Length > MaxIngestSourceChars)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_source", $"source names where the content came from: 1–{MaxIngestSourceChars} characters.");
        }
        if (content.ContentBytes < 0)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_content_bytes", "contentBytes cannot be negative.");
        }
        ValidateServer(content.Server);
        var found = ContentScanner.Scan(content.Content);
        if ((_state.Taint | found) == _state.Taint)
        {
            // Nothing new: no write for clean content (listings and reads are frequent).
            return await ViewAsync(content.Server, cancellationToken).ConfigureAwait(false);
        }
        var next = NextState();
        next.Taint |= found;
        _pipeline.ApplyVisibility(next);
        await CommitAsync(next, definitionJson: null, audit: null, outcome: null, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(content.Server, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The session's decisions, oldest first.</summary>
    public async Task<SessionSnapshot> SnapshotAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        EnsureOpen();
        var decisions = await _store.ReadDecisionsAsync(_state.TenantId, _state.SessionId, afterSequence, limit, cancellationToken).ConfigureAwait(false);
        return new SessionSnapshot(_state.TenantId, _state.SessionId, _state.Instruction, _state.View(),
            CapabilityNames.Of(_state.CapabilitiesUsed), _state.Sequence, decisions);
    }

    private async Task CommitAsync(SessionState next, string? definitionJson, AuditRecord? audit, OutcomeRecord? outcome, CancellationToken cancellationToken)
    {
        var write = new SessionWrite(
            next.TenantId,
            next.SessionId,
            _state.Version,
            definitionJson,
            SessionCodec.StateUtf8(next),
            audit,
            outcome,
            Epoch);
        // Not cancellable once sent: the caller may go away, the commit still completes or fails as a whole.
        try
        {
            await _store.CommitAsync(write, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            _spare = next;
            throw;
        }
        next.Version = write.NewVersion;
        _spare = _state;
        _state = next;
    }

    private void EnsureOpen()
    {
        if (!_state.IsOpen)
        {
            throw new SessionRequestException(SessionErrorKind.NotFound, "unknown_session", $"Session '{_state.SessionId}' was never opened.");
        }
    }

    private bool SameSlice(string server, IReadOnlyList<ToolDescriptor> tools, string? instruction)
    {
        if (instruction is not null && instruction != _state.Instruction)
        {
            return false;
        }
        var count = 0;
        foreach (var known in _state.Tools.Of(server))
        {
            count++;
        }
        if (tools.Count != count)
        {
            return false;
        }
        foreach (var tool in tools)
        {
            if (!_state.Tools.TryGet(new ToolKey(server, tool.Name), out var known) || !SameTool(known.Descriptor, tool))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The tool <paramref name="request"/> calls: of its server when it names one; else the one tool of that name
    /// (<c>ambiguous_tool</c> when several servers offer it), or the tool a qualified name <c>server/tool</c> stands for.
    /// Null when the session has no such tool.
    /// </summary>
    private ToolProfile? Resolve(DecideRequest request)
    {
        if (ValidateServer(request.Server) is { } server)
        {
            return _state.Tools.TryGet(new ToolKey(server, request.Tool), out var tool) ? tool : null;
        }
        var named = _state.Tools.Named(request.Tool);
        if (named.Count > 1)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "ambiguous_tool",
                $"Servers {string.Join(", ", named.Select(t => $"'{t.Server}'"))} all offer '{request.Tool}': name the server of the call.");
        }
        var resolved = named.Count == 1 ? named : _state.Tools.Resolve(request.Tool);
        return resolved.Count == 1 ? resolved[0] : null;
    }

    /// <summary><paramref name="server"/> when it is a valid server name or null; throws otherwise.</summary>
    private static string? ValidateServer(string? server) =>
        server is null || ServerNamePattern().IsMatch(server)
            ? server
            : throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_server", "A server name is 1–128 characters of letters, digits, '.', '_', ':', '@', '/' or '-'.");

    private static bool SameTool(ToolDescriptor a, ToolDescriptor b) =>
        a.Name == b.Name && a.Title == b.Title && a.Description == b.Description && a.Annotations == b.Annotations
        && (a.InputSchema?.GetRawText() ?? "") == (b.InputSchema?.GetRawText() ?? "");

    private IReadOnlyList<ToolDescriptor> ValidateTools(IReadOnlyList<ToolDescriptor>? tools)
    {
        if (tools is null)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "missing_tools", "A session is opened with its tools (an empty list is allowed).");
        }
        if (tools.Count > _options.MaxTools)
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "too_many_tools", $"A session may declare at most {_options.MaxTools} tools.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (tool is null || string.IsNullOrEmpty(tool.Name) || tool.Name.Length > 256)
            {
                throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_tool_name", "Every tool has a name of 1–256 characters.");
            }
            if (!names.Add(tool.Name))
            {
                throw new SessionRequestException(SessionErrorKind.Invalid, "duplicate_tool", $"Tool '{tool.Name}' is declared twice.");
            }
            if (tool.InputSchema is { } schema && schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
            {
                throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_schema", $"Tool '{tool.Name}': inputSchema is a JSON object.");
            }
        }
        return tools;
    }

    /// <summary>Throws when <paramref name="sessionId"/> is not 1–128 characters of [A-Za-z0-9._:-].</summary>
    public static void ValidateSessionId(string sessionId)
    {
        if (!SessionIdPattern().IsMatch(sessionId))
        {
            throw new SessionRequestException(SessionErrorKind.Invalid, "invalid_session_id", "A session id is 1–128 characters of letters, digits, '.', '_', ':' or '-'.");
        }
    }

    private static readonly string[] s_noHazard = ["No hazard found."];
    private static readonly string[] s_decidedByRules = [HazardRules.Layer];

    /// <summary>The session names of the tools <paramref name="state"/> withholds or holds back, sorted; the shared empty array when none.</summary>
    private static string[] HiddenTools(SessionState state)
    {
        var count = state.Withheld.Count;
        foreach (var key in state.Gated.Keys)
        {
            count += state.Withheld.ContainsKey(key) ? 0 : 1;
        }
        if (count == 0)
        {
            return [];
        }
        var names = new string[count];
        var i = 0;
        foreach (var key in state.Withheld.Keys)
        {
            names[i++] = state.Tools.SessionName(key);
        }
        foreach (var key in state.Gated.Keys)
        {
            if (!state.Withheld.ContainsKey(key))
            {
                names[i++] = state.Tools.SessionName(key);
            }
        }
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    /// <summary>A copy of the session's state for a turn to change, in the spare state when there is one.</summary>
    private SessionState NextState()
    {
        var next = _spare ?? new SessionState(_state.TenantId, _state.SessionId);
        _spare = null;
        next.CopyFrom(_state);
        return next;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._:@/\-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex ServerNamePattern();
}
