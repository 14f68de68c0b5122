using SafeMcp.Contracts;
using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Defenses.Arguments;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Item 4: the schema is enforced as written (the keywords Pydantic and zod emit), unreadable schemas fail closed, and the operation is the one the schema declares.</summary>
public sealed class ArgumentSchemaTests
{
    private readonly Adversary _adversary = new();

    private async Task<Decision> CallAsync(string schema, string arguments)
    {
        var grain = await _adversary.OpenAsync("Tidy the notes.", Sessions.Tool("store_note", "Store a note.", schema));
        return await Adversary.CallAsync(grain, "store_note", arguments);
    }

    public static TheoryData<string, string, string> Violations => new()
    {
        { "$ref and $defs", """{"type":"object","$defs":{"Path":{"type":"string","pattern":"^notes/"}},"properties":{"path":{"$ref":"#/$defs/Path"}}}""", """{"path":"/etc/passwd"}""" },
        { "draft-07 definitions", """{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"P":{"type":"string","maxLength":8}},"properties":{"path":{"$ref":"#/definitions/P"}}}""", """{"path":"a-much-longer-path"}""" },
        { "draft 2019-09", """{"$schema":"https://json-schema.org/draft/2019-09/schema","$defs":{"N":{"type":"integer"}},"properties":{"n":{"$ref":"#/$defs/N"}}}""", """{"n":1.5}""" },
        { "anyOf", """{"properties":{"mode":{"anyOf":[{"const":"append"},{"const":"replace"}]}}}""", """{"mode":"delete"}""" },
        { "oneOf", """{"properties":{"n":{"oneOf":[{"type":"integer"},{"minimum":0}]}}}""", """{"n":5}""" },
        { "allOf", """{"properties":{"n":{"allOf":[{"type":"integer"},{"maximum":10}]}}}""", """{"n":50}""" },
        { "not", """{"properties":{"path":{"not":{"pattern":"\\.\\."}}}}""", """{"path":"a/../b"}""" },
        { "format", """{"properties":{"to":{"type":"string","format":"email"}}}""", """{"to":"not an address"}""" },
        { "nested $ref", """{"$defs":{"Opt":{"type":"object","properties":{"retries":{"type":"integer"}},"additionalProperties":false}},"properties":{"options":{"$ref":"#/$defs/Opt"}}}""", """{"options":{"retries":1,"exec":"rm -rf /"}}""" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Arguments_that_break_a_schema_keyword_are_denied(string keyword, string schema, string arguments)
    {
        var decision = await CallAsync(schema, arguments);

        Assert.True(decision.Verdict == Verdict.Deny, $"{keyword}: {decision.Verdict}");
        Assert.Contains(ArgumentDetector.SchemaLayer, decision.DecidedBy);
    }

    [Theory]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"properties":{"p":{"$ref":"https://schemas.example/remote.json"}}}""")]
    [InlineData("""{"$schema":"https://schemas.example/unknown-dialect","type":"object"}""")]
    [InlineData("""{"properties":{"p":{"$ref":"#/$defs/missing"}}}""")]
    public async Task A_schema_that_cannot_be_read_fails_closed(string schema)
    {
        var decision = await CallAsync(schema, """{"p":"x"}""");

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Contains(ArgumentDetector.SchemaLayer, decision.DecidedBy);
    }

    [Fact]
    public async Task Conforming_arguments_pass_a_schema_with_refs()
    {
        var decision = await CallAsync(
            """{"$defs":{"Path":{"type":"string","pattern":"^notes/"}},"properties":{"path":{"$ref":"#/$defs/Path"},"mode":{"anyOf":[{"const":"append"},{"const":"replace"}]}},"required":["path"]}""",
            """{"path":"notes/today.md","mode":"append"}""");

        Assert.Equal(Verdict.Allow, decision.Verdict);
    }

    [Theory]
    [InlineData("""{"path":"notes/a","path":"/etc/passwd"}""")]
    [InlineData("""{"options":{"mode":"append","mode":"delete"}}""")]
    [InlineData("""{"op":"read","op":"delete"}""")]
    [InlineData("""{"path":"a","\u0070ath":"b"}""")]
    public async Task Arguments_with_a_duplicate_key_are_refused_and_change_nothing(string arguments)
    {
        var grain = await _adversary.OpenAsync("Tidy the notes.", Sessions.Tool("store_note", "Store a note."));
        var before = grain.State.Sequence;

        var error = await Assert.ThrowsAsync<SessionRequestException>(() => Adversary.CallAsync(grain, "store_note", arguments));

        Assert.Equal("duplicate_argument_key", error.Code);
        Assert.Equal(before, grain.State.Sequence);
    }

    private static readonly ToolDescriptor s_fileManager = Sessions.Tool("manage_files", "Read, write or delete files in the workspace.",
        """{"type":"object","properties":{"op":{"type":"string"},"path":{"type":"string"}}}""");

    [Theory]
    [InlineData("""{"op":"read","action":"delete","path":"report.txt"}""")]
    [InlineData("""{"action":"read","path":"report.txt"}""")]
    [InlineData("""{"Op":"read","path":"report.txt"}""")]
    public async Task Only_the_operation_key_the_schema_declares_narrows_a_call(string arguments)
    {
        var grain = await _adversary.OpenAsync("Summarise the report.", s_fileManager);

        var decision = await Adversary.CallAsync(grain, "manage_files", arguments);

        Assert.Equal(Verdict.RequireApproval, decision.Verdict);
    }

    [Fact]
    public async Task The_declared_operation_key_still_narrows_a_read()
    {
        var grain = await _adversary.OpenAsync("Summarise the report.", s_fileManager);

        var decision = await Adversary.CallAsync(grain, "manage_files", """{"op":"read","path":"report.txt"}""");

        Assert.Equal(Verdict.Allow, decision.Verdict);
    }
}
