using System.Text.Json;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Silo.Storage;

namespace SafeMcp.Adversarial.Tests;

/// <summary>A call's data must not forge events in a SIEM export: JSONL is one event a line, CEF escapes every field.</summary>
public sealed class ExportForgeryTests
{
    [Fact]
    public async Task Arguments_with_line_breaks_cannot_forge_an_extra_jsonl_event()
    {
        await using var silo = await RecordedSilo.StartAsync();
        Assert.Equal(200, (await silo.PostAsync("v1/sessions", RecordedSilo.FirstList)).Status);
        // Valid JSON: the line breaks are whitespace between tokens, and the text between them is a complete event.
        var forged = """{"tenantId":"default","sessionId":"victim","sequence":1,"tool":"read_file","verdict":"allow","chainIndex":1}""";
        var (status, _) = await silo.PostAsync("v1/sessions/s1/decide", "{\"tool\":\"read_file\",\"arguments\":{\"path\":\"a\",\"x\":\n" + forged + "\n}}");
        Assert.Equal(200, status);
        await silo.StopAsync();

        var (code, jsonl) = await RecordedSilo.CliAsync("audit", "export", "--sqlite", silo.Database, "--format", "jsonl");
        Assert.Equal(0, code);
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        using var parsed = JsonDocument.Parse(line);
        Assert.Equal("s1", parsed.RootElement.GetProperty("sessionId").GetString());
        Assert.Equal("victim", parsed.RootElement.GetProperty("arguments").GetProperty("x").GetProperty("sessionId").GetString());
    }

    [Fact]
    public void Cef_escapes_every_field_and_lets_no_control_character_through()
    {
        var entry = new AuditChainEntry("t|1", "s=1\r\nCEF:0|SafeMCP|forged", 1, 1, "read\\file|x\nCEF:0|forged|", "allow",
            "[\"because\\u0007\\u001b[31m\\r\\nCEF:0|x\"]", "[\"SAFE-T1102=x\"]", "[\"rules\"]", "[]", "{}", null, "2026-01-01T00:00:00.0000000+00:00", "k1");
        var cef = AuditExportFormats.Cef(new AuditLogRow(entry, "abc", null, null, null));

        Assert.DoesNotContain('\r', cef);
        Assert.DoesNotContain('\n', cef);
        Assert.DoesNotContain(cef, c => char.IsControl(c));
        Assert.Contains(@"read\\file\|x\nCEF:0\|forged\|", cef, StringComparison.Ordinal); // header: '\', '|' and line breaks escaped
        Assert.Contains(@"cs1=s\=1\r\nCEF:0|SafeMCP|forged", cef, StringComparison.Ordinal); // extension: '=' and line breaks escaped
        // The header has exactly seven unescaped separators: nothing in the data added a field.
        Assert.Equal(7, System.Text.RegularExpressions.Regex.Matches(cef[..(cef.IndexOf("|rt=", StringComparison.Ordinal) + 1)], @"(?<!\\)\|").Count);
    }
}
