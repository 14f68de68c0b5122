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
    [InlineData("""{"mode":"read"}""", "$: required: Required properties [\"path\"]")]
    [InlineData("""{"path":"a","mode":"read","extra":1}""", "$/extra: not allowed")]
    [InlineData("""{"path":"a","mode":"delete"}""", "$/mode: enum")]
    [InlineData("""{"path":5,"mode":"read"}""", "$/path: type: Value is \"integer\" but should be \"string\"")]
    [InlineData("""{"path":"a","mode":"read","count":2.5}""", "$/count: type")]
    [InlineData("""{"path":"a","mode":"read","count":9}""", "$/count: maximum")]
    [InlineData("""{"path":"a","mode":"read","ratio":1}""", "$/ratio: exclusiveMaximum")]
    [InlineData("""{"path":"","mode":"read"}""", "$/path: minLength")]
    [InlineData("""{"path":"abcdefghijk","mode":"read"}""", "$/path: maxLength")]
    [InlineData("""{"path":"../etc","mode":"read"}""", "$/path: pattern")]
    [InlineData("""{"path":"a","mode":"read","tags":["x","y","z"]}""", "$/tags: maxItems")]
    [InlineData("""{"path":"a","mode":"read","tags":[1]}""", "$/tags/0: type")]
    [InlineData("""{"path":"a","mode":"read","flag":"yes"}""", "$/flag: type")]
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

        Assert.Equal(["$/options/retries: type: Value is \"string\" but should be \"integer\"", "$/options/hosts/1: required: Required properties [\"name\"] are not present"], errors);
    }

    [Fact]
    public void Integer_written_with_a_zero_fraction_is_an_integer() =>
        Assert.Empty(Validate("""{"path":"a","mode":"read","count":2.0}"""));

    [Fact]
    public void Unknown_keywords_constrain_nothing() =>
        Assert.Empty(JsonSchemaValidator.Validate(Sessions.Json("""{"type":"object","x-vendor":{"required":["x"]}}"""), Sessions.Json("{}")));

    [Fact]
    public void Applicators_are_enforced() =>
        Assert.NotEmpty(JsonSchemaValidator.Validate(Sessions.Json("""{"type":"object","oneOf":[{"required":["x"]}]}"""), Sessions.Json("{}")));
}
