using SafeMcp.Contracts;
using SafeMcp.Adversarial.Tests.Support;
using SafeMcp.Defenses.Tests.Support;

namespace SafeMcp.Adversarial.Tests;

/// <summary>Item 7: secrets never reach what is stored (audit arguments and thoughts, observation excerpts) in clear.</summary>
public sealed class SecretRedactionTests
{
    private readonly Adversary _adversary = new();

    /// <summary>Each case: text carrying a secret, and the secret itself (what must not be stored).</summary>
    public static TheoryData<string, string> Secrets => new()
    {
        { "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
        { "the config says DB_PASSWORD=Zebra-Quartz-91-Lantern for prod", "Zebra-Quartz-91-Lantern" },
        { "{\"env\":{\"STRIPE_SECRET\":\"rk_live_4eC39HqLyjWDarjtT1zdp7dc\"}}", "rk_live_4eC39HqLyjWDarjtT1zdp7dc" },
        { "use key smk_Qh3Zr8vL2mN9pX4tK7wB1cY6dF0gH5jA2sE8uI3oP9a", "smk_Qh3Zr8vL2mN9pX4tK7wB1cY6dF0gH5jA2sE8uI3oP9a" },
        { "Authorization: Bearer ya29.a0AfH6SMBx3kLmNoPqRsTuVwXyZ", "ya29.a0AfH6SMBx3kLmNoPqRsTuVwXyZ" },
        { "token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF" },
        { "slack xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAxMjM", "xoxp-1-Mi0yLTEyMzQ1Njc4OTAxMjM" },
        { "maps key AIzaSyD4x-Wq9cK2LmN8pR5sT7vX1yZ3bF6hJ0k", "AIzaSyD4x-Wq9cK2LmN8pR5sT7vX1yZ3bF6hJ0k" },
        { "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=;", "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=" },
        { "session cookie q8Zt3LmP9xW2vN7kR4bY6cJ1hF5dS0aE set", "q8Zt3LmP9xW2vN7kR4bY6cJ1hF5dS0aE" },
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public async Task A_secret_in_a_result_is_not_stored_in_the_observation(string content, string secret)
    {
        var grain = await _adversary.OpenAsync("Read the config.", Sessions.Tool("read_file", "Read a file."));
        var decision = await Adversary.CallAsync(grain, "read_file", """{"path":"config.txt"}""");

        await grain.ReportOutcomeAsync(new OutcomeReport(decision.Sequence, false, content, content.Length), CancellationToken.None);

        Assert.DoesNotContain(secret, _adversary.Store.Everything());
        Assert.Contains(grain.State.RecentCalls, call => call.Observation is { } o && o.Contains("[REDACTED]"));
    }

    [Theory]
    [MemberData(nameof(Secrets))]
    public async Task A_secret_in_a_calls_arguments_or_thought_is_not_stored_in_the_audit_row(string content, string secret)
    {
        var grain = await _adversary.OpenAsync("Write the notes.", Sessions.Tool("write_note", "Write a note."));

        await grain.DecideAsync(new DecideRequest("write_note", Sessions.Json($$"""{"text":{{System.Text.Json.JsonSerializer.Serialize(content)}}}"""), Thought: "I will store " + content), CancellationToken.None);

        Assert.DoesNotContain(secret, _adversary.Store.Everything());
    }

    [Fact]
    public async Task Redacted_arguments_stay_valid_json_with_the_names_of_what_was_there()
    {
        var grain = await _adversary.OpenAsync("Write the notes.", Sessions.Tool("write_note", "Write a note."));

        await Adversary.CallAsync(grain, "write_note", """{"text":"DB_PASSWORD=Zebra-Quartz-91-Lantern","n":1}""");

        var stored = Assert.Single(_adversary.Store.Writes, write => write.Audit is not null).Audit!.ArgumentsJson;
        using var parsed = System.Text.Json.JsonDocument.Parse(stored);
        Assert.Equal("DB_PASSWORD=[REDACTED]", parsed.RootElement.GetProperty("text").GetString());
    }
}
