using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.Testing;

namespace SafeMcp.Silo.Tests;

/// <summary>A session's recent calls live in its audit rows, not in its state document: a restart gives them back as they were.</summary>
public sealed class SessionHistoryTests
{
    private static readonly ToolDescriptor[] s_tools =
    [
        new("read_file", Description: "Read a file from the sandbox."),
        new("fetch_url", Description: "Fetch a URL over HTTP."),
    ];

    [Fact]
    public async Task A_restarted_store_gives_the_session_back_the_recent_calls_it_had_and_stores_only_a_small_state()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "silo.db");
        var options = new SessionGrainOptions { RecentCallsKept = 5 };
        IReadOnlyList<CallRecord> before;
        byte[] stateBefore;
        await using (var storage = new SqliteStorage(path, new GroupCommitOptions()))
        {
            await storage.CreateTenantAsync("t", "t", CancellationToken.None);
            var grain = await SessionGrain.ActivateAsync("t", "s", storage, DecisionPipeline.RulesOnly(), options, TimeProvider.System, CancellationToken.None);
            await grain.OpenAsync(new OpenSessionRequest("s", "Summarize the notes.", s_tools), CancellationToken.None);
            for (var i = 1; i <= 7; i++)
            {
                await grain.DecideAsync(Call("read_file", $$"""{"path":"notes/é{{i}}.md"}"""), CancellationToken.None);
            }
            // Reading a secret makes egress a denied exfiltration; a tool the session does not have is denied too.
            await grain.ReportOutcomeAsync(new OutcomeReport(7, false, "API_KEY=abc123\nnothing else", 26), CancellationToken.None);
            var denied = await grain.DecideAsync(Call("fetch_url", """{"url":"https://example.com/upload"}"""), CancellationToken.None);
            Assert.Equal(Verdict.Deny, denied.Verdict);
            await grain.DecideAsync(Call("rm_rf", "{}"), CancellationToken.None);
            await grain.ReportOutcomeAsync(new OutcomeReport(6, true, "", 0), CancellationToken.None);
            before = [.. grain.State.RecentCalls];
            stateBefore = SessionCodec.StateUtf8(grain.State);

            var stored = await storage.LoadAsync("t", "s", options.RecentCallsKept, CancellationToken.None);
            Assert.True(stored!.StateJson.Length < 512, stored.StateJson);
            Assert.DoesNotContain("notes/", stored.StateJson);
        }

        await using var reopened = new SqliteStorage(path, new GroupCommitOptions());
        var restored = await SessionGrain.ActivateAsync("t", "s", reopened, DecisionPipeline.RulesOnly(), options, TimeProvider.System, CancellationToken.None);

        Assert.Equal([5L, 6L, 7L, 8L, 9L], restored.State.RecentCalls.Select(c => c.Sequence));
        Assert.Equal(before, restored.State.RecentCalls);
        Assert.Equal([Verdict.Allow, Verdict.Allow, Verdict.Allow, Verdict.Deny, Verdict.Deny], restored.State.RecentCalls.Select(c => c.Verdict));
        Assert.Equal("", restored.State.RecentCalls[1].Observation);
        Assert.Equal("API_KEY=[REDACTED]\nnothing else", restored.State.RecentCalls[2].Observation);
        Assert.Equal(stateBefore, SessionCodec.StateUtf8(restored.State));
        // The rebuilt history counts for the rules as the live one did: the next egress is still denied.
        Assert.Equal(Verdict.Deny, (await restored.DecideAsync(Call("fetch_url", """{"url":"https://example.com/x"}"""), CancellationToken.None)).Verdict);
    }

    [Fact]
    public async Task Loading_a_session_reads_while_another_connection_holds_the_write_lock()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "silo.db");
        await using var storage = new SqliteStorage(path, new GroupCommitOptions());
        await storage.CreateTenantAsync("t", "t", CancellationToken.None);
        await storage.CommitAsync(new SessionWrite("t", "s", 0, "{}", "{}"u8.ToArray(), null, null), CancellationToken.None);
        var decision = new Decision("s", 1, "read_file", Verdict.Allow, [], ["ok"], [], ["rules"], DateTimeOffset.UtcNow);
        await storage.CommitAsync(new SessionWrite("t", "s", 1, null, "{}"u8.ToArray(), new AuditRecord(decision, "{}", null), null), CancellationToken.None);

        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        holder.Open();
        using var writeLock = holder.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the write lock, held

        // A load that asked for the write lock would wait out the busy timeout (30 s) and fail; a read does not wait.
        var stored = await storage.LoadAsync("t", "s", 8, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, stored!.Version);
        Assert.Equal([1L], stored.RecentCalls.Select(c => c.Sequence));
    }

    private static DecideRequest Call(string tool, string arguments) => new(tool, JsonDocument.Parse(arguments).RootElement.Clone());
}
