using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;

namespace SafeMcp.WorldModel.Evaluation;

/// <summary>
/// A recorded agent run driven through the real decision path: a session grain on a session store with the
/// given pipeline. Each call is decided; an allowed call's recorded result is reported as its outcome (so taint follows
/// the data), a stopped call's is not, and the recording goes on, so every later call is still judged.
/// </summary>
internal sealed class RecordedSession
{
    private readonly SessionGrain _grain;
    private IReadOnlyList<string> _withheld;

    private RecordedSession(SessionGrain grain, IReadOnlyList<string> withheldAtOpen)
    {
        _grain = grain;
        _withheld = WithheldAtOpen = withheldAtOpen;
    }

    /// <summary>The tools the session withheld as it opened, before any call (the initial check).</summary>
    public IReadOnlyList<string> WithheldAtOpen { get; }

    /// <summary>
    /// Opens session <paramref name="sessionId"/> with the task and tools of the recording, as the only session of a tenant
    /// of its own: a recording meets the tenant-level defenses (pinned definitions, baselines) as a new customer would,
    /// untouched by the recordings before it (another recording's tool of the same name is no rug pull).
    /// </summary>
    public static async Task<RecordedSession> OpenAsync(ISessionStore store, DecisionPipeline pipeline, string sessionId, string? instruction,
        IReadOnlyList<ToolDescriptor> tools, CancellationToken cancellationToken)
    {
        var grain = await SessionGrain.ActivateAsync(sessionId, sessionId, store, pipeline, new SessionGrainOptions(), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        var view = await grain.OpenAsync(new OpenSessionRequest(sessionId, instruction, tools), cancellationToken).ConfigureAwait(false);
        return new RecordedSession(grain, [.. view.WithheldTools.Select(t => t.Name)]);
    }

    /// <summary>
    /// Decides a call of <paramref name="tool"/> (arguments: a JSON object's text; any other text is passed as
    /// <c>{"input": text}</c>) and reports <paramref name="observation"/> when it is allowed. Returns the decision and the
    /// tools it withheld that were visible before it.
    /// </summary>
    public async Task<(Decision Decision, IReadOnlyList<string> NewlyWithheld)> CallAsync(string tool, string? arguments, string? observation, string? thought,
        CancellationToken cancellationToken)
    {
        var decision = await _grain.DecideAsync(new DecideRequest(tool, Arguments(arguments), thought), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> newlyWithheld = [.. decision.WithheldTools.Except(_withheld, StringComparer.Ordinal)];
        _withheld = decision.WithheldTools;
        if (decision.Verdict == Verdict.Allow)
        {
            await _grain.ReportOutcomeAsync(new OutcomeReport(decision.Sequence, false, observation, observation?.Length ?? 0), cancellationToken).ConfigureAwait(false);
        }
        return (decision, newlyWithheld);
    }

    private static JsonElement Arguments(string? text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return document.RootElement.Clone();
                }
            }
            catch (JsonException)
            {
                // Free text: passed as a string below.
            }
        }
        using var wrapped = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { ["input"] = text ?? "" }));
        return wrapped.RootElement.Clone();
    }
}
