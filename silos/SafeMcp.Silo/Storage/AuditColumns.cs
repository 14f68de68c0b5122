using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Silo.Storage;

/// <summary>How decision fields are written to and read from audit columns; shared by every store.</summary>
internal static class AuditColumns
{
    /// <summary>The decision columns every store selects, in the order <see cref="ReadDecision"/> reads them.</summary>
    public const string DecisionColumns = "sequence, tool, verdict, withheld, reasons, techniques, decided_by, decided_at, server";

    /// <summary>The columns <see cref="ReadRecentCallsAsync"/> reads, in its order.</summary>
    public const string RecentCallColumns = "sequence, tool, verdict, arguments, observation, server";

    /// <summary>The decision in the current row of a reader over <see cref="DecisionColumns"/>; each store reads its own timestamp type.</summary>
    public static Decision ReadDecision(System.Data.Common.DbDataReader reader, string sessionId, Func<System.Data.Common.DbDataReader, int, DateTimeOffset> readTimestamp) => new(
        sessionId,
        reader.GetInt64(0),
        reader.GetString(1),
        ParseVerdict(reader.GetString(2)),
        ParseList(reader.GetString(3)),
        ParseList(reader.GetString(4)),
        ParseList(reader.GetString(5)),
        ParseList(reader.GetString(6)),
        readTimestamp(reader, 7),
        reader.GetString(8));

    /// <summary>
    /// The calls of a reader over <see cref="RecentCallColumns"/>, newest first (the order that
    /// lets a query stop after the latest few), returned oldest first.
    /// </summary>
    public static async Task<IReadOnlyList<StoredCall>> ReadRecentCallsAsync(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken)
    {
        var calls = new List<StoredCall>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            calls.Add(new StoredCall(reader.GetInt64(0), reader.GetString(1), ParseVerdict(reader.GetString(2)), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5)));
        }
        calls.Reverse();
        return calls;
    }

    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Allow => "allow",
        Verdict.RequireApproval => "require_approval",
        _ => "deny",
    };

    public static Verdict ParseVerdict(string name) => name switch
    {
        "allow" => Verdict.Allow,
        "require_approval" => Verdict.RequireApproval,
        "deny" => Verdict.Deny,
        _ => throw new InvalidDataException($"Unknown verdict '{name}' in the audit table."),
    };

    /// <summary>A time as PostgreSQL's <c>timestamptz</c> keeps it (UTC, whole microseconds), so what is hashed is what is read back.</summary>
    public static DateTimeOffset ToPostgresTimestamp(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }

    /// <summary>The text of a stored PostgreSQL timestamp the audit chain hashes (round-trip format, as SQLite stores it).</summary>
    public static string PostgresTimestampText(DateTimeOffset at) => at.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public static string List(IReadOnlyList<string> items) =>
        items.Count == 0 ? "[]" : JsonSerializer.Serialize(items, AuditJsonContext.Default.IReadOnlyListString);

    public static IReadOnlyList<string> ParseList(string json) => JsonSerializer.Deserialize(json, AuditJsonContext.Default.IReadOnlyListString) ?? [];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class AuditJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
