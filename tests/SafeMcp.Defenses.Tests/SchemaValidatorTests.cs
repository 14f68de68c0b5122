using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Defenses.Arguments;

namespace SafeMcp.Defenses.Tests;

public sealed class SchemaValidatorTests
{
    private const string Schema = """
        {"type":"object","additionalProperties":false,"required":["path","mode"],
         "properties":{
           "path":{"type":"string","minLength":1,"maxLength":10,"pattern":"^[a-z/]+$"},
           "mode":{"enum":["read","write"]},
           "count":{"type":"integer","minimum":1,"maximum":5},
           "ratio":{"type":"number","exclusiveMaximum":1},
           "tags":{"type":"array","maxItems":2,"items":{"type":"string"}},
           "flag":{"type":["boolean","null"]}}}
        """;

    private static IReadOnlyList<string> Validate(string instance) => JsonSchemaValidator.Validate(Sessions.Json(Schema), Sessions.Json(instance));

    [Fact]
    public void Conforming_arguments_have_no_violation() =>
        Assert.Empty(Validate("""{"path":"a/b","mode":"read","count":3,"ratio":0.5,"tags":["x"],"flag":null}"""));

    [Theory]
    [InlineData("""{"mode":"read"}""", "$: missing required property 'path'")]
    [InlineData("""{"path":"a","mode":"read","extra":1}""", "$: property 'extra' is not allowed")]
    [InlineData("""{"path":"a","mode":"delete"}""", "$.mode: \"delete\" is not one of")]
    [InlineData("""{"path":5,"mode":"read"}""", "$.path: expected string, got number")]
    [InlineData("""{"path":"a","mode":"read","count":2.5}""", "expected integer")]
    [InlineData("""{"path":"a","mode":"read","count":9}""", "$.count: must be ≤ 5")]
    [InlineData("""{"path":"a","mode":"read","ratio":1}""", "< 1")]
    [InlineData("""{"path":"","mode":"read"}""", "at least 1 characters")]
    [InlineData("""{"path":"abcdefghijk","mode":"read"}""", "at most 10 characters")]
    [InlineData("""{"path":"../etc","mode":"read"}""", "$.path: does not match the pattern")]
    [InlineData("""{"path":"a","mode":"read","tags":["x","y","z"]}""", "at most 2 items")]
    [InlineData("""{"path":"a","mode":"read","tags":[1]}""", "$.tags[0]: expected string")]
    [InlineData("""{"path":"a","mode":"read","flag":"yes"}""", "$.flag: expected boolean or null")]
    public void Violation_is_reported_with_its_path(string instance, string expected) =>
        Assert.Contains(Validate(instance), e => e.Contains(expected, StringComparison.Ordinal));

    [Fact]
    public void A_nested_value_is_named_by_its_whole_path()
    {
        var schema = Sessions.Json("""
            {"type":"object","properties":{"options":{"type":"object","properties":{
              "retries":{"type":"integer"},"hosts":{"type":"array","items":{"type":"object","required":["name"]}}}}}}
            """);

        var errors = JsonSchemaValidator.Validate(schema, Sessions.Json("""{"options":{"retries":"two","hosts":[{"name":"a"},{}]}}"""));

        Assert.Equal(["$.options.retries: expected integer, got string", "$.options.hosts[1]: missing required property 'name'"], errors);
    }

    [Fact]
    public void Integer_written_with_a_zero_fraction_is_an_integer() =>
        Assert.Empty(Validate("""{"path":"a","mode":"read","count":2.0}"""));

    [Fact]
    public void Unknown_keywords_constrain_nothing() =>
        Assert.Empty(JsonSchemaValidator.Validate(Sessions.Json("""{"type":"object","oneOf":[{"required":["x"]}]}"""), Sessions.Json("{}")));
}
