using System.Text.Json;
using Microsoft.Data.Sqlite;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>
/// Turns a silo's audit log (the <c>sessions</c> and <c>decisions</c> tables) into rows of the SafeMCP JSONL
/// format, one per decided call, so a deployment can retrain on what it observed. The prefix holds the
/// session's earlier allowed calls with their arguments and (redacted) observations; the label is the
/// cluster's own decision: deny → unsafe (the call's tool filtered), tools newly withheld → critical, else safe.
/// </summary>
internal static class AuditTrajectoryExporter
{
    /// <summary>Reads every session of <paramref name="sqlitePath"/> (read-only) and returns its rows.</summary>
    public static List<TrajectoryRow> Export(string sqlitePath)
    {
        if (!File.Exists(sqlitePath))
        {
            throw new FileNotFoundException($"Audit database '{sqlitePath}' does not exist.", sqlitePath);
        }
        var connectionString = new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var definitions = new Dictionary<(string, string), (string? Instruction, List<ToolInfo> Tools)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT tenant_id, session_id, definition FROM session_definitions";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                definitions[(reader.GetString(0), reader.GetString(1))] = ParseDefinition(reader.GetString(2));
            }
        }

        var rows = new List<TrajectoryRow>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT tenant_id, session_id, tool, verdict, withheld, arguments, thought, observation
                FROM decisions ORDER BY tenant_id, session_id, sequence
                """;
            using var reader = command.ExecuteReader();
            (string, string) session = default;
            var prefix = new List<TrajectoryStep>();
            var withheldBefore = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (key != session)
                {
                    session = key;
                    prefix.Clear();
                    withheldBefore.Clear();
                }
                if (!definitions.TryGetValue(key, out var definition))
                {
                    continue;
                }
                var tool = reader.GetString(2);
                var verdict = reader.GetString(3);
                var withheld = JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [];
                var arguments = reader.GetString(5);
                var thought = reader.IsDBNull(6) ? null : reader.GetString(6);
                var observation = reader.IsDBNull(7) ? null : reader.GetString(7);

                var available = definition.Tools.Where(t => !withheldBefore.Contains(t.Name)).ToArray();
                var newlyWithheld = withheld.Where(t => !withheldBefore.Contains(t)).ToArray();
                var label = verdict == "deny"
                    ? new RowLabel(SafetyLabel.Unsafe, [tool], observation)
                    : newlyWithheld.Length > 0 ? new RowLabel(SafetyLabel.Critical, newlyWithheld, observation) : new RowLabel(SafetyLabel.Safe, [], observation);
                rows.Add(new TrajectoryRow(rows.Count, new WorldModelInput(definition.Instruction, available, prefix.ToArray(),
                    new TrajectoryStep(tool, arguments, null, thought)), label));

                if (verdict != "deny")
                {
                    prefix.Add(new TrajectoryStep(tool, arguments, observation, thought));
                }
                withheldBefore.UnionWith(withheld);
            }
        }
        return rows;
    }

    private static (string? Instruction, List<ToolInfo> Tools) ParseDefinition(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var instruction = root.TryGetProperty("instruction", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        var tools = new List<ToolInfo>();
        if (root.TryGetProperty("tools", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in array.EnumerateArray())
            {
                tools.Add(new ToolInfo(
                    tool.GetProperty("name").GetString()!,
                    tool.TryGetProperty("description", out var d) ? d.GetString() : null,
                    tool.TryGetProperty("inputSchema", out var s) && s.ValueKind == JsonValueKind.Object ? s.GetRawText() : null));
            }
        }
        return (instruction, tools);
    }
}
