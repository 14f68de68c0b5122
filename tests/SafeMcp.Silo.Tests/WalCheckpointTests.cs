using Microsoft.Data.Sqlite;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.Testing;

namespace SafeMcp.Silo.Tests;

/// <summary>The embedded store's checkpoints run beside the writer, and its write-ahead log still starts over.</summary>
public sealed class WalCheckpointTests
{
    private const int PageSize = 4096;

    [Fact]
    public async Task The_log_starts_over_while_sessions_keep_writing_and_every_write_stays_readable()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "silo.db");
        var options = new SqliteStorageOptions { WalRestartPages = 64, CheckpointIntervalMilliseconds = 5 };
        const int sessions = 40;
        const int turns = 30;
        var padding = new string('x', 1500); // about half a page a row: each turn rewrites its session's page
        await using (var storage = new SqliteStorage(path, new GroupCommitOptions(), options))
        {
            await storage.CreateTenantAsync("t", "t", CancellationToken.None);
            for (var turn = 0; turn < turns; turn++)
            {
                var passesBefore = storage.Checkpointer.Passes;
                await CommitTurnAsync(storage, sessions, turn, padding);
                // A background pass runs after every turn, however slowly the machine schedules its thread: what the
                // test checks is what the passes and the writer do, not how many passes fit in a fast run.
                await WaitForPassAfterAsync(storage.Checkpointer, passesBefore);
            }

            Assert.True(storage.Checkpointer.Passes > 0, "no background checkpoint ran");
            // What a pass copies is synced by the pass, not left for the writer's catch-up to sync.
            Assert.True(storage.Checkpointer.DatabaseSyncs > 0, "no background pass synced the database file");
            // Far more pages were written than the log holds: it started over instead of growing (without restarts it
            // would hold at least one page per turn of every session). With a pass after every turn the log holds about
            // two turns' pages (some 60 each) whether the writer's catch-up or a pass that copied everything let it restart.
            var walPages = new FileInfo(path + "-wal").Length / PageSize;
            Assert.True(walPages < sessions * turns / 2, $"the log grew to {walPages} pages for {sessions * turns} turns");
            Assert.Null(storage.Checkpointer.LastError);
        }

        // Reopened, every session holds its last turn and every decision is there.
        await using var reopened = new SqliteStorage(path, new GroupCommitOptions(), options);
        for (var s = 0; s < sessions; s++)
        {
            var stored = await reopened.LoadAsync("t", $"s{s}", 8, CancellationToken.None);
            Assert.Equal(turns, stored!.Version);
            Assert.Contains($"\"turn\":{turns - 1}", stored.StateJson, StringComparison.Ordinal);
            Assert.Equal(Enumerable.Range(1, turns).Select(i => (long)i), (await reopened.ReadDecisionsAsync("t", $"s{s}", 0, 100, CancellationToken.None)).Select(d => d.Sequence));
        }
    }

    [Fact]
    public async Task The_writer_copies_what_the_last_pass_left_and_the_log_starts_over_from_its_beginning()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "silo.db");
        // No background pass runs on its own: the test runs each one, so the order of passes and commits is fixed.
        var options = new SqliteStorageOptions { WalRestartPages = 64, CheckpointIntervalMilliseconds = int.MaxValue };
        var padding = new string('x', 1500);
        await using var storage = new SqliteStorage(path, new GroupCommitOptions(), options);
        await storage.CreateTenantAsync("t", "t", CancellationToken.None);
        await CommitTurnAsync(storage, 20, 0, padding);
        await CommitTurnAsync(storage, 20, 1, padding);

        // A reader holds a snapshot while the next turn commits: the pass cannot copy past that snapshot, as under load it
        // cannot copy what the writer commits while it runs, and it leaves the last turn's frames in the log.
        await using (var reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            reader.Open();
            using var snapshot = reader.BeginTransaction(deferred: true);
            using (var select = reader.CreateCommand())
            {
                select.Transaction = snapshot;
                select.CommandText = "SELECT count(*) FROM sessions";
                Assert.Equal(20L, (long)select.ExecuteScalar()!);
            }
            await CommitTurnAsync(storage, 20, 2, padding);
            storage.Checkpointer.RunPass();
        }
        var longLog = storage.Checkpointer.WalPages;
        Assert.True(longLog >= 64, $"three turns wrote only {longLog} pages");

        // The next batch first copies the frames the pass left, so the log is whole in the database and its own frames go to its start.
        await CommitTurnAsync(storage, 20, 3, padding);
        Assert.Equal(1, storage.Checkpointer.CatchUps);
        Assert.Null(storage.Checkpointer.LastError);
        storage.Checkpointer.RunPass();
        // Without the catch-up the last turn's frames would follow all the earlier ones.
        Assert.True(storage.Checkpointer.WalPages < longLog / 2, $"the log holds {storage.Checkpointer.WalPages} pages after the restart, {longLog} before");

        // The catch-up ran once: nothing is due again until a pass finds the log long.
        await CommitTurnAsync(storage, 20, 4, padding);
        Assert.Equal(1, storage.Checkpointer.CatchUps);
        var stored = await storage.LoadAsync("t", "s7", 8, CancellationToken.None);
        Assert.Equal(5, stored!.Version);
        Assert.Contains("\"turn\":4", stored.StateJson, StringComparison.Ordinal);
    }

    private static Task CommitTurnAsync(SqliteStorage storage, int sessions, int turn, string padding) =>
        Task.WhenAll(Enumerable.Range(0, sessions).Select(s => storage.CommitAsync(
            new SessionWrite("t", $"s{s}", turn, turn == 0 ? "{}" : null, State(turn, padding),
                new AuditRecord(new Decision($"s{s}", turn + 1, "read_file", Verdict.Allow, [], ["ok"], [], ["rules"], DateTimeOffset.UtcNow), "{}", null), null),
            CancellationToken.None)));

    private static async Task WaitForPassAfterAsync(WalCheckpointer checkpointer, long passesBefore)
    {
        // Two passes: the first may have started before the turn's last commit.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (checkpointer.Passes < passesBefore + 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "no background checkpoint pass ran within 30 s");
            await Task.Delay(1);
        }
    }

    private static byte[] State(int turn, string padding) => System.Text.Encoding.UTF8.GetBytes($"{{\"turn\":{turn},\"pad\":\"{padding}\"}}");
}
