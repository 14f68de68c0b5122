using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Grains.Sessions;

/// <summary>
/// One decided call in a session's recent history. Not part of the stored state document: the audit rows hold every
/// field's source, and <see cref="FromStored"/> rebuilds the record from them at activation, so a turn writes only what
/// it changed. A value, not an object: a record lives for several turns of its session, and under load every object
/// that lives that long is promoted and copied by the collector; the history's list holds the records themselves, so a
/// call adds at most its excerpts' strings to the heap.
/// </summary>
/// <param name="Sequence">The decision's sequence number.</param>
/// <param name="Tool">The tool called.</param>
/// <param name="Verdict">What was decided.</param>
/// <param name="ArgumentsHash">A short hash of the arguments, to spot repeated identical calls.</param>
/// <param name="Arguments">The start of the arguments, secrets redacted (bounded by <see cref="SessionGrainOptions.TrajectoryExcerptChars"/>), for the world model's trajectory prefix.</param>
/// <param name="Observation">The start of the reported result's audit excerpt (same bound); null until reported.</param>
/// <param name="Server">The MCP server of the tool called.</param>
public readonly record struct CallRecord(long Sequence, string Tool, Verdict Verdict, ulong ArgumentsHash, string Arguments, string? Observation = null, string Server = SessionKeys.DefaultServer)
{
    /// <summary>The record of a call of <paramref name="server"/>'s <paramref name="tool"/> decided now, with its arguments as the audit row keeps them.</summary>
    public static CallRecord Decided(long sequence, string server, string tool, Verdict verdict, string argumentsJson, SessionGrainOptions options) =>
        new(sequence, tool, verdict, CallHash.Of(tool, argumentsJson), Rules.ContentScanner.Redact(argumentsJson, options.TrajectoryExcerptChars), null, server);

    /// <summary>The called tool's identity in the session.</summary>
    public Tools.ToolKey Key => new(Server, Tool);

    /// <summary>This record with its call's outcome, from the excerpt the audit row keeps (<see cref="OutcomeRecord.ObservationExcerpt"/>).</summary>
    public CallRecord Reported(string observationExcerpt, SessionGrainOptions options) =>
        this with { Observation = Bounded(observationExcerpt, options.TrajectoryExcerptChars) };

    /// <summary>The record an audit row gives back: the same as the one made when the call was decided and reported.</summary>
    public static CallRecord FromStored(StoredCall call, SessionGrainOptions options)
    {
        var record = Decided(call.Sequence, call.Server, call.Tool, call.Verdict, call.ArgumentsJson, options);
        return call.ObservationExcerpt is { } observation ? record.Reported(observation, options) : record;
    }

    private static string Bounded(string text, int maxChars) => text.Length > maxChars ? text[..maxChars] : text;
}
