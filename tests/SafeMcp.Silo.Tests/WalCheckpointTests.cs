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
    public async Task The_log_starts_over_without_checkpoints_inside_commits_and_every_write_stays_readable()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "silo.db");
        var options = new SqliteStorageOptions { WalRestartPages = 64, CheckpointIntervalMilliseconds = 5 };
        const int sessions = 40;
        const int turns = 30;
        var padding = new string('x', 1500); // about half a page a row: each turn rewrites its session's page
        long catchUps;
        await using (var storage = new SqliteStorage(path, new GroupCommitOptions(), options))
        {
            await storage.CreateTenantAsync("t", "t", CancellationToken.None);
            for (var turn = 0; turn < turns; turn++)
            {
                await Task.WhenAll(Enumerable.Range(0, sessions).Select(s => storage.CommitAsync(
                    new SessionWrite("t", $"s{s}", turn, turn == 0 ? "{}" : null, State(turn, padding),
                        new AuditRecord(new Decision($"s{s}", turn + 1, "read_file", Verdict.Allow, [], ["ok"], [], ["rules"], DateTimeOffset.UtcNow), "{}", null), null),
                    CancellationToken.None)));
            }

            Assert.True(storage.Checkpointer.Passes > 0, "no background checkpoint ran");
            // What a pass copies is synced by the pass, not left for the writer's catch-up to sync.
            Assert.True(storage.Checkpointer.DatabaseSyncs > 0, "no background pass synced the database file");
            catchUps = storage.Checkpointer.CatchUps;
            Assert.True(catchUps > 0, "the writer never copied the rest of the log to start it over");

            // Far more pages were written than the log holds: it started over instead of growing (without restarts it
            // would hold at least one page per turn of every session). The bound is loose: a restart is noticed by a
            // background pass, and a fast writer may commit a few more batches of about 60 pages before the next one runs.
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

    private static byte[] State(int turn, string padding) => System.Text.Encoding.UTF8.GetBytes($"{{\"turn\":{turn},\"pad\":\"{padding}\"}}");
}
