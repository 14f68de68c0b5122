using SafeMcp.Contracts;
using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Defenses.Tests.Support;
using SafeMcp.Grains.Defenses.RateLimits;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Item 10: the same call written with other spacing or key order is still the same call to the loop detector.</summary>
public sealed class LoopDetectionTests
{
    private readonly Adversary _adversary = new();

    [Fact]
    public async Task Spacing_and_key_order_do_not_hide_a_loop()
    {
        var grain = await _adversary.OpenAsync("Watch the build.", Sessions.Tool("get_status", "Get the build status."));
        string[] spellings =
        [
            """{"job":"build","page":1}""",
            """{ "job" : "build", "page" : 1 }""",
            """{"page":1,"job":"build"}""",
            "{\n  \"page\": 1,\n  \"job\": \"build\"\n}",
        ];

        var decisions = new List<Decision>();
        foreach (var arguments in spellings)
        {
            decisions.Add(await Adversary.CallAsync(grain, "get_status", arguments));
        }

        Assert.All(decisions.Take(3), d => Assert.Equal(Verdict.Allow, d.Verdict));
        Assert.Equal(Verdict.RequireApproval, decisions[3].Verdict);
        Assert.Contains(LoopDetector.Layer, decisions[3].DecidedBy);
    }

    [Fact]
    public async Task Calls_that_differ_in_a_value_are_not_a_loop()
    {
        var grain = await _adversary.OpenAsync("Watch the build.", Sessions.Tool("get_status", "Get the build status."));

        Decision last = null!;
        for (var page = 1; page <= 4; page++)
        {
            last = await Adversary.CallAsync(grain, "get_status", $$"""{"job":"build","page":{{page}}}""");
        }

        Assert.Equal(Verdict.Allow, last.Verdict);
    }
}
