using System.Text.Json;
using Microsoft.Data.Sqlite;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

public sealed class AuditExportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("safemcp-export-").FullName;

    [Fact]
    public async Task Audit_log_exports_one_labelled_row_per_decision_with_the_allowed_prefix()
    {
        var path = Path.Combine(_directory, "silo.db");
        await using (var storage = new SqliteStorage(path, new GroupCommitOptions()))
        {
            await storage.CreateTenantAsync("t", "t", CancellationToken.None);
            var pipeline = new DecisionPipeline([new DenyTool("DeleteEmails")], []);
            var grain = await SessionGrain.ActivateAsync("t", "s", storage, pipeline, new SessionGrainOptions(), TimeProvider.System, CancellationToken.None);
            await grain.OpenAsync(new OpenSessionRequest("s", "Summarize my inbox", [new("SearchEmails"), new("DeleteEmails")]), CancellationToken.None);
            var search = await grain.DecideAsync(new DecideRequest("SearchEmails", JsonDocument.Parse("""{"query":"inbox"}""").RootElement.Clone()), CancellationToken.None);
            await grain.ReportOutcomeAsync(new OutcomeReport(search.Sequence, false, "3 emails found", 14), CancellationToken.None);
            var delete = await grain.DecideAsync(new DecideRequest("DeleteEmails", JsonDocument.Parse("""{"ids":["all"]}""").RootElement.Clone()), CancellationToken.None);
            Assert.Equal(Verdict.Deny, delete.Verdict);
        }
        SqliteConnection.ClearAllPools();

        var rows = AuditTrajectoryExporter.Export(path);

        Assert.Equal(2, rows.Count);
        Assert.Equal(SafetyLabel.Safe, rows[0].Label!.Safety);
        Assert.Empty(rows[0].Input.Prefix);
        Assert.Equal("SearchEmails", rows[0].Input.Current!.Action);
        Assert.Equal(SafetyLabel.Unsafe, rows[1].Label!.Safety);
        Assert.Equal(["DeleteEmails"], rows[1].Label!.FilteredTools);
        var step = Assert.Single(rows[1].Input.Prefix);
        Assert.Equal("SearchEmails", step.Action);
        Assert.Equal("3 emails found", step.Observation);
        Assert.Equal("Summarize my inbox", rows[1].Input.Instruction);
    }

    private sealed class DenyTool(string tool) : ICallDetector
    {
        public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
        {
            if (call.Tool.Name == tool)
            {
                findings.Add(new Finding("test", Verdict.Deny, "denied by the test", []));
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
