using System.Runtime.CompilerServices;
using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Silo.Storage;

/// <summary>
/// Turns a store's audit log into rows of the SafeMCP JSONL format, so a deployment can retrain on what it observed.
/// Each session gives its initial check (the task and tools, no call yet) and then one row per decided call. The prefix
/// holds the session's earlier calls that ran, with their arguments and (redacted) observations; the label is the
/// cluster's own decision, and a human's where it asked one: at open, tools withheld → critical, else safe; at a call,
/// a call that did not run (denied, or sent for approval and not approved) → unsafe (the call's tool filtered), tools
/// newly withheld → critical, else safe.
/// </summary>
/// <remarks>
/// A session keeps one definition, its last: calls decided before its task or tools changed are exported against it.
/// </remarks>
internal static class AuditTrajectoryExporter
{

    /// <summary>The rows of every session of <paramref name="tenants"/>, numbered from 0.</summary>
    public static async IAsyncEnumerable<TrajectoryRow> RowsAsync(AuditLog log, IReadOnlyList<string> tenants, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long index = 0;
        foreach (var tenant in tenants)
        {
            await foreach (var session in log.ReadHistoriesAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                foreach (var row in Rows(session))
                {
                    yield return row with { Index = index++ };
                }
            }
        }
    }

    /// <summary>One session's rows (indexes 0, 1, …): its initial check, then its calls.</summary>
    public static IEnumerable<TrajectoryRow> Rows(SessionHistory session)
    {
        SessionDefinitionDocument definition;
        try
        {
            definition = SessionCodec.ReadDefinition(session.DefinitionJson);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"Session {session.SessionId}: {e.Message}", e);
        }
        var instruction = definition.Instruction;
        // Tools by their session names, as the world model saw them: server/tool only where two servers share a name.
        var keys = definition.Keys().ToArray();
        var shared = keys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        string SessionName(ToolKey key) => shared.Contains(key.Name) ? key.Qualified : key.Name;
        var tools = definition.Tools.Select((tool, i) => ToolInfo.From(tool) with { Name = SessionName(keys[i]) }).ToArray();
        var withheldBefore = (definition.WithheldAtOpen ?? []).Select(t => SessionName(ToolKey.Of(t))).Where(name => tools.Any(t => t.Name == name)).ToHashSet(StringComparer.Ordinal);
        long index = 0;
        var opening = withheldBefore.Count > 0
            ? new RowLabel(SafetyLabel.Critical, tools.Select(t => t.Name).Where(withheldBefore.Contains).ToArray(), null)
            : new RowLabel(SafetyLabel.Safe, [], null);
        yield return new TrajectoryRow(index++, new WorldModelInput(instruction, tools, [], null), opening);

        var prefix = new List<TrajectoryStep>();
        foreach (var call in session.Calls)
        {
            var withheld = JsonSerializer.Deserialize<string[]>(call.WithheldJson) ?? [];
            var available = tools.Where(t => !withheldBefore.Contains(t.Name)).ToArray();
            var newlyWithheld = withheld.Where(t => !withheldBefore.Contains(t)).ToArray();
            var action = SessionName(new ToolKey(call.Server, call.Tool));
            var server = call.Server == SessionKeys.DefaultServer ? null : call.Server;
            // A call sent for approval ran only if a human approved it, and then its client reported what it returned.
            var ran = call.Verdict == Verdict.Allow || (call.Verdict == Verdict.RequireApproval && call.Reported);
            var label = !ran
                ? new RowLabel(SafetyLabel.Unsafe, [action], call.Observation)
                : newlyWithheld.Length > 0 ? new RowLabel(SafetyLabel.Critical, newlyWithheld, call.Observation) : new RowLabel(SafetyLabel.Safe, [], call.Observation);
            yield return new TrajectoryRow(index++, new WorldModelInput(instruction, available, prefix.ToArray(),
                new TrajectoryStep(action, call.Arguments, null, call.Thought, server)), label);

            if (ran)
            {
                prefix.Add(new TrajectoryStep(action, call.Arguments, call.Observation, call.Thought, server));
            }
            withheldBefore.UnionWith(withheld);
        }
    }
}
