using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Grains.Tests;

/// <summary>
/// False positives met in the sample flow, and the cases either side of each fix: one e-mail address is not personal
/// data; writing a new file is not a destruction; and this product's own keys are secrets.
/// </summary>
public sealed class FalsePositiveTests
{
    // As @modelcontextprotocol/server-filesystem declares them: write_file deletes only by its destructiveHint.
    private static readonly ToolDescriptor[] s_tools =
    [
        new("read_text_file", Description: "Read the complete contents of a file from the file system as text.", Annotations: new(ReadOnlyHint: true)),
        new("list_directory", Description: "Get a detailed listing of all files and directories in a specified path.", Annotations: new(ReadOnlyHint: true)),
        new("write_file", Description: "Create a new file or completely overwrite an existing file with new content. Use with caution as it will overwrite existing files without warning.",
            Annotations: new(ReadOnlyHint: false, DestructiveHint: true, IdempotentHint: true)),
        new("delete_file", Description: "Delete a file."),
        new("send_message", Description: "Send a message to a colleague by email."),
    ];

    private static async Task<SessionGrain> OpenAsync(string instruction = "Read my notes and write a summary to summary.md, then message the team.")
    {
        var grain = await SessionGrain.ActivateAsync("t", "s", new InMemorySessionStore(), DecisionPipeline.RulesOnly(), new SessionGrainOptions(), TimeProvider.System, default);
        await grain.OpenAsync(new OpenSessionRequest("s", instruction, s_tools), default);
        return grain;
    }

    private static DecideRequest Call(string tool, string arguments) => new(tool, JsonDocument.Parse(arguments).RootElement.Clone());

    [Fact]
    public async Task A_reply_that_mentions_one_email_address_does_not_withhold_messaging()
    {
        var grain = await OpenAsync();
        var read = await grain.DecideAsync(Call("read_text_file", """{"path":"/data/notes.md"}"""), default);

        var view = await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "Standup moved to 10:00. Questions to alice@example.com.", 60), default);
        var send = await grain.DecideAsync(Call("send_message", """{"recipient":"team@example.com","body":"Summary is in summary.md"}"""), default);

        Assert.DoesNotContain("pii", view.Taint);
        Assert.Contains("send_message", view.VisibleTools);
        Assert.Equal(Verdict.Allow, send.Verdict);
    }

    [Theory]
    [InlineData("alice@example.com, bob@example.com, carol@example.org")]
    [InlineData("Alice Martin <alice@example.com>, phone: +44 20 7946 0958")]
    [InlineData("alice@example.com\nDate of birth: 1990-04-01")]
    [InlineData("Card on file: 4111 1111 1111 1111")]
    public async Task Several_addresses_or_an_address_with_other_personal_data_still_withhold_messaging(string reply)
    {
        var grain = await OpenAsync();
        var read = await grain.DecideAsync(Call("read_text_file", """{"path":"/data/contacts.md"}"""), default);

        var view = await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, reply, reply.Length), default);

        Assert.Contains("pii", view.Taint);
        Assert.Contains(view.WithheldTools, w => w.Name == "send_message");
    }

    [Fact]
    public void One_address_repeated_is_one_address()
    {
        Assert.Equal(Taint.None, ContentScanner.Scan("From alice@example.com to ALICE@example.com, cc alice@example.com"));
        Assert.Equal(Taint.Pii, ContentScanner.Scan("a@example.com b@example.com c@example.com"));
    }

    [Fact]
    public async Task Writing_a_file_the_session_never_met_is_not_a_destruction()
    {
        var grain = await OpenAsync("Read my notes and write a summary.");
        var read = await grain.DecideAsync(Call("read_text_file", """{"path":"/data/notes.md"}"""), default);
        await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "Standup moved to 10:00.", 23), default);

        var write = await grain.DecideAsync(Call("write_file", """{"path":"/data/summary.md","content":"Standup at 10."}"""), default);

        Assert.Equal(Verdict.Allow, write.Verdict);
        Assert.DoesNotContain(write.Reasons, r => r.Contains("Destruction", StringComparison.Ordinal));
        Assert.Contains("fs.write", (await grain.SnapshotAsync(0, 10, default)).CapabilitiesUsed);
    }

    [Theory]
    [InlineData("read_text_file", """{"path":"/data/notes.md"}""", "Standup moved.")]
    [InlineData("list_directory", """{"path":"/data"}""", "[FILE] notes.md\n[DIR] archive")]
    public async Task Overwriting_a_file_the_session_read_or_listed_still_asks_a_human(string tool, string arguments, string observation)
    {
        var grain = await OpenAsync("Read my notes and write a summary.");
        var seen = await grain.DecideAsync(Call(tool, arguments), default);
        await grain.ReportOutcomeAsync(new OutcomeReport(seen.Sequence, false, observation, observation.Length), default);

        var write = await grain.DecideAsync(Call("write_file", """{"path":"/data/notes.md","content":"gone"}"""), default);

        Assert.Equal(Verdict.RequireApproval, write.Verdict);
        Assert.Contains(Techniques.DataDestruction, write.Techniques);
    }

    [Fact]
    public async Task Overwriting_a_file_read_under_a_random_looking_folder_still_asks_a_human()
    {
        // The history keeps arguments redacted, and a temporary folder's random name reads as a secret there.
        const string path = "/tmp/work-b9e41dd319a24f37b8a3a79f9d20b36e/notes.txt";
        var grain = await OpenAsync("Read my notes and write a summary.");
        var read = await grain.DecideAsync(Call("read_text_file", $$"""{"path":"{{path}}"}"""), default);
        await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "keep me", 7), default);

        var write = await grain.DecideAsync(Call("write_file", $$"""{"path":"{{path}}","content":"gone"}"""), default);

        Assert.Equal(Verdict.RequireApproval, write.Verdict);
        Assert.Contains(Techniques.DataDestruction, write.Techniques);
    }

    [Fact]
    public async Task Writing_a_new_file_beside_one_read_under_a_random_looking_folder_runs_unasked()
    {
        const string folder = "/tmp/work-b9e41dd319a24f37b8a3a79f9d20b36e";
        var grain = await OpenAsync("Read my notes and write a summary.");
        var read = await grain.DecideAsync(Call("read_text_file", $$"""{"path":"{{folder}}/notes.txt"}"""), default);
        await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "keep me", 7), default);

        var write = await grain.DecideAsync(Call("write_file", $$"""{"path":"{{folder}}/summary.txt","content":"short"}"""), default);

        Assert.Equal(Verdict.Allow, write.Verdict);
        Assert.Equal("/tmp/[REDACTED]/notes.txt", SecretPatterns.Redact($"{folder}/notes.txt"));
    }

    [Fact]
    public async Task A_tool_whose_name_says_it_deletes_asks_a_human_even_for_a_path_never_met()
    {
        var grain = await OpenAsync("Read my notes and write a summary.");

        var delete = await grain.DecideAsync(Call("delete_file", """{"path":"/data/other.md"}"""), default);

        Assert.Equal(Verdict.RequireApproval, delete.Verdict);
        Assert.Contains(Techniques.DataDestruction, delete.Techniques);
    }

    [Fact]
    public async Task A_safemcp_key_in_a_reply_taints_the_session_with_secrets_and_is_redacted_from_the_history()
    {
        var key = "smk_" + new string('Q', 43);
        var grain = await OpenAsync();
        var read = await grain.DecideAsync(Call("read_text_file", """{"path":"/data/gateway.yaml"}"""), default);

        var view = await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, $"cluster:\n  key: {key}\n", 40), default);
        var send = await grain.DecideAsync(Call("send_message", $$"""{"recipient":"team@example.com","body":"{{key}}"}"""), default);

        Assert.Contains("secrets", view.Taint);
        Assert.Equal(Verdict.Deny, send.Verdict);
        Assert.DoesNotContain(key, grain.State.RecentCalls[0].Observation!, StringComparison.Ordinal);
        Assert.DoesNotContain(key, grain.State.RecentCalls[1].Arguments, StringComparison.Ordinal);
        Assert.Equal(Taint.Secrets, ContentScanner.Scan(key));
        Assert.Equal("[REDACTED]", ContentScanner.Redact(key, 100));
    }
}
