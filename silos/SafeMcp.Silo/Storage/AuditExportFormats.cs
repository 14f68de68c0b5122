using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SafeMcp.Silo.Storage;

/// <summary>Audit rows as SIEMs read them: JSON lines, or ArcSight Common Event Format (CEF:0).</summary>
internal static class AuditExportFormats
{
    /// <summary>One JSON object: the decision's columns, its outcome and its chain position and hash.</summary>
    public static string JsonLine(AuditLogRow row)
    {
        var e = row.Entry;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("tenantId", e.TenantId);
            writer.WriteString("sessionId", e.SessionId);
            writer.WriteNumber("sequence", e.Sequence);
            writer.WriteString("decidedAt", e.DecidedAt);
            writer.WriteString("tool", e.Tool);
            writer.WriteString("verdict", e.Verdict);
            WriteRaw(writer, "reasons", e.Reasons);
            WriteRaw(writer, "techniques", e.Techniques);
            WriteRaw(writer, "decidedBy", e.DecidedBy);
            WriteRaw(writer, "withheld", e.Withheld);
            WriteRaw(writer, "arguments", e.Arguments);
            if (e.Thought is not null)
            {
                writer.WriteString("thought", e.Thought);
            }
            if (row.OutcomeIsError is { } isError)
            {
                writer.WriteBoolean("outcomeIsError", isError);
            }
            if (row.OutcomeBytes is { } bytes)
            {
                writer.WriteNumber("outcomeBytes", bytes);
            }
            if (!string.IsNullOrEmpty(row.OutcomeTaint))
            {
                writer.WriteString("outcomeTaint", row.OutcomeTaint);
            }
            writer.WriteNumber("chainIndex", e.ChainIndex);
            writer.WriteString("chainHash", row.ChainHash);
            if (e.KeyId is not null)
            {
                writer.WriteString("keyId", e.KeyId);
            }
            if (row.OutcomeSeal is not null)
            {
                writer.WriteString("outcomeSeal", row.OutcomeSeal);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>One CEF:0 line; severity 8 for deny, 5 for require_approval, 1 for allow.</summary>
    public static string Cef(AuditLogRow row)
    {
        var e = row.Entry;
        var severity = e.Verdict switch { "deny" => 8, "require_approval" => 5, _ => 1 };
        var at = DateTimeOffset.Parse(e.DecidedAt, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var reasons = string.Join(" ", ParseList(e.Reasons));
        var extension = string.Join(' ',
            $"rt={at.ToString(CultureInfo.InvariantCulture)}",
            $"suser={Extension(e.TenantId)}",
            $"act={Extension(e.Verdict)}",
            $"cs1Label=sessionId cs1={Extension(e.SessionId)}",
            $"cn1Label=sequence cn1={e.Sequence.ToString(CultureInfo.InvariantCulture)}",
            $"cs2Label=techniques cs2={Extension(string.Join(",", ParseList(e.Techniques)))}",
            $"cs3Label=decidedBy cs3={Extension(string.Join(",", ParseList(e.DecidedBy)))}",
            $"cs4Label=chainHash cs4={Extension(row.ChainHash)}",
            $"cn2Label=chainIndex cn2={e.ChainIndex.ToString(CultureInfo.InvariantCulture)}",
            $"msg={Extension(reasons)}");
        return $"CEF:0|SafeMCP|SafeMCP Cluster|1.0|{Header(e.Verdict)}|{Header($"{e.Tool} {e.Verdict}")}|{severity}|{extension}";
    }

    private static IReadOnlyList<string> ParseList(string json) => AuditColumns.ParseList(json);

    /// <summary>
    /// A stored JSON column, parsed and written again by the writer: its whitespace (line breaks included) is dropped and
    /// its strings escaped, so no column's text can end the line and start an event of its own. Text that is not one
    /// JSON value is written as a string.
    /// </summary>
    private static void WriteRaw(Utf8JsonWriter writer, string name, string json)
    {
        writer.WritePropertyName(name);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Contracts.SafeMcpJsonContext.MaxDepth });
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(json);
        }
    }

    // CEF (ArcSight, revision 25): in the header '\' and '|' are escaped; in extension values '\', '=' and line breaks
    // (as \r and \n). The format has no escape for other control characters: they become U+FFFD, so none reaches a SIEM's parser.
    private static string Header(string text) => Escape(text, header: true);

    private static string Extension(string text) => Escape(text, header: false);

    private static string Escape(string text, bool header)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    escaped.Append(@"\\");
                    break;
                case '|' when header:
                    escaped.Append(@"\|");
                    break;
                case '=' when !header:
                    escaped.Append(@"\=");
                    break;
                case '\r':
                    escaped.Append(@"\r");
                    break;
                case '\n':
                    escaped.Append(@"\n");
                    break;
                default:
                    escaped.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? '\uFFFD' : c);
                    break;
            }
        }
        return escaped.ToString();
    }
}
