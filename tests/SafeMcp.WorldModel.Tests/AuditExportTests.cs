using System.Text.Json;
using Microsoft.Data.Sqlite;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Sessions;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

public sealed class AuditExportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safemcp-export-").FullName;

    [Fact]
    public async Task Audit_log_exports_one_labelled_row_per_decision_with_the_allowed_prefix()
    {
        var path = await RecordAsync(async storage =>
        {
            var pipeline = new DecisionPipeline([new VerdictFor("DeleteEmails", Verdict.Deny)], []);
            var grain = await OpenAsync(storage, "t", "s", pipeline, "Summarize my inbox", "SearchEmails", "DeleteEmails");
            var search = await grain.DecideAsync(new DecideRequest("SearchEmails", JsonDocument.Parse("""{"query":"inbox"}""").RootElement.Clone()), CancellationToken.None);
            await grain.ReportOutcomeAsync(new OutcomeReport(search.Sequence, false, "3 emails found", 14), CancellationToken.None);
            var delete = await grain.DecideAsync(new DecideRequest("DeleteEmails", JsonDocument.Parse("""{"ids":["all"]}""").RootElement.Clone()), CancellationToken.None);
            Assert.Equal(Verdict.Deny, delete.Verdict);
        });

        var rows = await ExportAsync(path);

        Assert.Equal([0L, 1, 2], rows.Select(r => r.Index));
        Assert.Null(rows[0].Input.Current); // the initial check: nothing withheld at open
        Assert.Equal(SafetyLabel.Safe, rows[0].Label!.Safety);
        Assert.Equal(["SearchEmails", "DeleteEmails"], rows[0].Input.Tools.Select(t => t.Name));
        Assert.Equal(SafetyLabel.Safe, rows[1].Label!.Safety);
        Assert.Empty(rows[1].Input.Prefix);
        Assert.Equal("SearchEmails", rows[1].Input.Current!.Action);
        Assert.Equal(SafetyLabel.Unsafe, rows[2].Label!.Safety);
        Assert.Equal(["DeleteEmails"], rows[2].Label!.FilteredTools);
        var step = Assert.Single(rows[2].Input.Prefix);
        Assert.Equal("SearchEmails", step.Action);
        Assert.Equal("3 emails found", step.Observation);
        Assert.Equal("Summarize my inbox", rows[2].Input.Instruction);
    }

    [Fact]
    public async Task Tools_withheld_at_open_label_the_initial_check_critical_and_are_not_counted_again_at_the_first_call()
    {
        var path = await RecordAsync(async storage =>
        {
            var pipeline = new DecisionPipeline([new WithholdAtOpen("Terminal")], []);
            var opened = await OpenAsync(storage, "t", "a", pipeline, "Tidy the logs", "ReadFile", "Terminal");
            await opened.DecideAsync(new DecideRequest("ReadFile", JsonDocument.Parse("""{"path":"app.log"}""").RootElement.Clone()), CancellationToken.None);
            // Opened, never called: its initial check is still a row.
            await OpenAsync(storage, "t", "b", pipeline, "Nothing yet", "Terminal");
            // Another tenant's session is left out when one tenant is asked for.
            await storage.CreateTenantAsync("u", "u", CancellationToken.None);
            await OpenAsync(storage, "u", "c", pipeline, "Elsewhere", "ReadFile");
        });

        var rows = await ExportAsync(path, "t");

        Assert.Equal(3, rows.Count);
        Assert.Equal(SafetyLabel.Critical, rows[0].Label!.Safety);
        Assert.Equal(["Terminal"], rows[0].Label!.FilteredTools);
        Assert.Equal(["ReadFile", "Terminal"], rows[0].Input.Tools.Select(t => t.Name));
        Assert.Equal("ReadFile", rows[1].Input.Current!.Action);
        Assert.Equal(SafetyLabel.Safe, rows[1].Label!.Safety);
        Assert.Equal(["ReadFile"], rows[1].Input.Tools.Select(t => t.Name));
        Assert.Null(rows[2].Input.Current);
        Assert.Equal("Nothing yet", rows[2].Input.Instruction);
        Assert.Equal(SafetyLabel.Critical, rows[2].Label!.Safety);

        var everyTenant = await ExportAsync(path);
        Assert.Equal(4, everyTenant.Count);
        Assert.Equal("Elsewhere", everyTenant[3].Input.Instruction);
        Assert.Equal(SafetyLabel.Safe, everyTenant[3].Label!.Safety);
    }

    [Fact]
    public async Task A_call_sent_for_approval_is_safe_when_a_human_let_it_run_and_unsafe_when_it_never_ran()
    {
        var path = await RecordAsync(async storage =>
        {
            var pipeline = new DecisionPipeline([new VerdictFor("SendEmail", Verdict.RequireApproval)], []);
            var grain = await OpenAsync(storage, "t", "s", pipeline, "Mail the team", "SendEmail");
            var approved = await grain.DecideAsync(new DecideRequest("SendEmail", JsonDocument.Parse("""{"to":"team"}""").RootElement.Clone()), CancellationToken.None);
            Assert.Equal(Verdict.RequireApproval, approved.Verdict);
            await grain.ReportOutcomeAsync(new OutcomeReport(approved.Sequence, false, "sent", 4), CancellationToken.None); // a human approved: it ran
            await grain.DecideAsync(new DecideRequest("SendEmail", JsonDocument.Parse("""{"to":"everyone"}""").RootElement.Clone()), CancellationToken.None); // declined: no outcome
            await grain.DecideAsync(new DecideRequest("SendEmail", JsonDocument.Parse("""{"to":"boss"}""").RootElement.Clone()), CancellationToken.None);
        });

        var rows = await ExportAsync(path);

        Assert.Equal(4, rows.Count);
        Assert.Equal(SafetyLabel.Safe, rows[1].Label!.Safety);
        Assert.Equal(SafetyLabel.Unsafe, rows[2].Label!.Safety);
        Assert.Equal(["SendEmail"], rows[2].Label!.FilteredTools);
        // The approved call is in the later rows' prefix; the declined one is not.
        var step = Assert.Single(rows[3].Input.Prefix);
        Assert.Equal("""{"to":"team"}""", step.ArgumentsText);
        Assert.Equal("sent", step.Observation);
    }

    [Fact]
    public async Task A_session_whose_definition_cannot_be_read_is_named()
    {
        var path = await RecordAsync(storage => OpenAsync(storage, "t", "broken", new DecisionPipeline([], []), "x", "ReadFile"));
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE session_definitions SET definition = '{\"instruction\":\"x\"}'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        SqliteConnection.ClearAllPools();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExportAsync(path));

        Assert.Contains("Session broken", error.Message);
    }

    [Fact]
    public async Task The_export_round_trips_through_the_jsonl_reader()
    {
        var path = await RecordAsync(async storage =>
        {
            var pipeline = new DecisionPipeline([new WithholdAtOpen("Terminal"), new VerdictFor("DeleteEmails", Verdict.Deny)], []);
            var grain = await OpenAsync(storage, "t", "s", pipeline, "Clean up", "SearchEmails", "DeleteEmails", "Terminal");
            await grain.DecideAsync(new DecideRequest("DeleteEmails", JsonDocument.Parse("""{"ids":["all"]}""").RootElement.Clone(), "They are old."), CancellationToken.None);
        });
        var rows = await ExportAsync(path);
        var file = Path.Combine(_directory, "rows.jsonl");
        TrajectoryJsonl.Write(file, rows);

        var read = TrajectoryJsonl.Read(file);

        Assert.Equal(rows.Count, read.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Input.Current?.Action, read[i].Input.Current?.Action);
            Assert.Equal(rows[i].Input.Current?.Thought, read[i].Input.Current?.Thought);
            Assert.Equal(rows[i].Label!.Safety, read[i].Label!.Safety);
            Assert.Equal(rows[i].Label!.FilteredTools, read[i].Label!.FilteredTools);
            Assert.Equal(rows[i].Input.Tools.Select(t => t.Name), read[i].Input.Tools.Select(t => t.Name));
        }
        Assert.Equal("They are old.", read[1].Input.Current!.Thought);
        Assert.Equal(SafetyLabel.Unsafe, read[1].Label!.Safety);
    }

    [Fact]
    public async Task Export_of_a_session_of_two_servers_names_each_calls_server_and_qualifies_a_shared_name()
    {
        var path = await RecordAsync(async storage =>
        {
            var pipeline = new DecisionPipeline([new VerdictFor("fetch_url", Verdict.Deny)], []);
            var grain = await SessionGrain.ActivateAsync("t", "s", storage, pipeline, new SessionGrainOptions(), TimeProvider.System, CancellationToken.None);
            await grain.OpenAsync(new OpenSessionRequest("s", "Summarize my notes", [new("read_file"), new("write_file")], "files"), CancellationToken.None);
            await grain.OpenAsync(new OpenSessionRequest("s", null, [new("fetch_url"), new("read_file")], "web"), CancellationToken.None);
            var read = await grain.DecideAsync(new DecideRequest("read_file", JsonDocument.Parse("""{"path":"notes.md"}""").RootElement.Clone(), Server: "files"), CancellationToken.None);
            await grain.ReportOutcomeAsync(new OutcomeReport(read.Sequence, false, "notes", 5, "files"), CancellationToken.None);
            await grain.DecideAsync(new DecideRequest("fetch_url", JsonDocument.Parse("""{"url":"https://example.com"}""").RootElement.Clone(), Server: "web"), CancellationToken.None);
        });

        var rows = await ExportAsync(path);

        Assert.Equal(["files/read_file", "write_file", "fetch_url", "web/read_file"], rows[0].Input.Tools.Select(t => t.Name));
        Assert.Equal(("files/read_file", "files"), (rows[1].Input.Current!.Action, rows[1].Input.Current!.Server));
        Assert.Equal(("fetch_url", "web"), (rows[2].Input.Current!.Action, rows[2].Input.Current!.Server));
        Assert.Equal(["fetch_url"], rows[2].Label!.FilteredTools);
        Assert.Equal("files", Assert.Single(rows[2].Input.Prefix).Server);
        // The JSONL form keeps the server beside the action.
        var file = Path.Combine(_directory, "rows.jsonl");
        TrajectoryJsonl.Write(file, [rows[2]]);
        var line = File.ReadAllLines(file).Single();
        Assert.Contains("\"Server\":\"web\"", line, StringComparison.Ordinal);
        Assert.Equal("web", TrajectoryJsonl.ParseRow(line, 0).Input.Current!.Server);
    }

    [Fact]
    public async Task The_audit_chain_covers_a_calls_server_and_rows_of_the_default_server_hash_as_before()
    {
        var path = await RecordAsync(async storage =>
        {
            var pipeline = new DecisionPipeline([], []);
            var grain = await SessionGrain.ActivateAsync("t", "s", storage, pipeline, new SessionGrainOptions(), TimeProvider.System, CancellationToken.None);
            await grain.OpenAsync(new OpenSessionRequest("s", null, [new("read_file")]), CancellationToken.None);
            await grain.OpenAsync(new OpenSessionRequest("s", null, [new("fetch_url")], "web"), CancellationToken.None);
            await grain.DecideAsync(new DecideRequest("read_file"), CancellationToken.None);
            await grain.DecideAsync(new DecideRequest("fetch_url"), CancellationToken.None);
        });
        var log = new SqliteAuditLog(path);
        Assert.True((await log.VerifyAsync("t", CancellationToken.None)).Result.IsIntact);
        var rows = new List<AuditLogRow>();
        await foreach (var row in log.ReadAsync("t", CancellationToken.None))
        {
            rows.Add(row);
        }
        Assert.Equal(["default", "web"], rows.Select(r => r.Entry.Server));
        // A default-server row hashes exactly the fields it hashed before servers were kept (so old rows verify), a row of
        // another server its server too.
        var e = rows[0].Entry;
        var before = JsonSerializer.Serialize(new object?[] { AuditChain.Genesis, e.TenantId, e.SessionId, e.Sequence, e.ChainIndex, e.Tool, e.Verdict, e.Reasons, e.Techniques, e.DecidedBy, e.Withheld, e.Arguments, e.Thought, e.DecidedAt });
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(before))), rows[0].ChainHash);
        Assert.NotEqual(AuditChain.Link(rows[0].ChainHash, rows[1].Entry), AuditChain.Link(rows[0].ChainHash, rows[1].Entry with { Server = "default" }));

        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText = "UPDATE decisions SET server = 'files' WHERE tool = 'fetch_url'";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }
        SqliteConnection.ClearAllPools();
        Assert.False((await log.VerifyAsync("t", CancellationToken.None)).Result.IsIntact);
    }

    /// <summary>Runs <paramref name="script"/> on a fresh embedded database with tenant <c>t</c>; returns the database's path.</summary>
    private async Task<string> RecordAsync(Func<SqliteStorage, Task> script)
    {
        var path = Path.Combine(_directory, "silo.db");
        await using (var storage = new SqliteStorage(path, new GroupCommitOptions()))
        {
            await storage.CreateTenantAsync("t", "t", CancellationToken.None);
            await script(storage);
        }
        SqliteConnection.ClearAllPools();
        return path;
    }

    /// <summary>A session of <paramref name="tenant"/> opened with <paramref name="instruction"/> and tools of these names.</summary>
    private static async Task<SessionGrain> OpenAsync(SqliteStorage storage, string tenant, string session, DecisionPipeline pipeline, string instruction, params string[] tools)
    {
        var grain = await SessionGrain.ActivateAsync(tenant, session, storage, pipeline, new SessionGrainOptions(), TimeProvider.System, CancellationToken.None);
        await grain.OpenAsync(new OpenSessionRequest(session, instruction, [.. tools.Select(name => new ToolDescriptor(name))]), CancellationToken.None);
        return grain;
    }

    private static async Task<List<TrajectoryRow>> ExportAsync(string path, string? tenant = null)
    {
        var log = new SqliteAuditLog(path);
        var tenants = tenant is null ? await log.TenantsAsync(CancellationToken.None) : [tenant];
        var rows = new List<TrajectoryRow>();
        await foreach (var row in AuditTrajectoryExporter.RowsAsync(log, tenants, CancellationToken.None))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>A detector that gives every call of one tool the same verdict.</summary>
    private sealed class VerdictFor(string tool, Verdict verdict) : ICallDetector
    {
        public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
        {
            if (call.Tool.Name == tool)
            {
                findings.Add(new Finding("test", verdict, $"{verdict} by the test", []));
            }
            return ValueTask.CompletedTask;
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
