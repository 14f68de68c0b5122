using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.Testing;

namespace SafeMcp.Silo.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Writes_queued_during_a_commit_go_into_one_transaction()
    {
        var firstBatchEntered = new TaskCompletionSource();
        var releaseFirstBatch = new TaskCompletionSource();
        var batchSizes = new List<int>();
        await using var committer = new GroupCommitter<int>(async (batch, _) =>
        {
            batchSizes.Add(batch.Count);
            if (batchSizes.Count == 1)
            {
                firstBatchEntered.SetResult();
                await releaseFirstBatch.Task;
            }
            return new Exception?[batch.Count];
        }, new GroupCommitOptions());

        var first = committer.CommitAsync(0, CancellationToken.None);
        await firstBatchEntered.Task;
        var queued = Enumerable.Range(1, 100).Select(i => committer.CommitAsync(i, CancellationToken.None)).ToArray();
        releaseFirstBatch.SetResult();
        await Task.WhenAll(queued.Append(first));

        Assert.Equal([1, 100], batchSizes);
        Assert.Equal(2, committer.Batches);
        Assert.Equal(101, committer.Writes);
    }

    [Fact]
    public async Task A_failed_transaction_acknowledges_none_of_its_writes()
    {
        await using var committer = new GroupCommitter<int>((_, _) => throw new IOException("disk gone"), new GroupCommitOptions());

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => committer.CommitAsync(1, CancellationToken.None));

        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(0, committer.Writes);
    }

    [Fact]
    public async Task One_failing_write_does_not_sink_the_others_in_its_batch()
    {
        var gate = new TaskCompletionSource();
        var first = true;
        await using var committer = new GroupCommitter<int>(async (batch, _) =>
        {
            if (first)
            {
                first = false;
                await gate.Task;
            }
            if (batch.Contains(13))
            {
                throw new IOException("constraint violated by write 13");
            }
            return new Exception?[batch.Count];
        }, new GroupCommitOptions());

        var opener = committer.CommitAsync(0, CancellationToken.None);
        var writes = Enumerable.Range(10, 6).Select(i => committer.CommitAsync(i, CancellationToken.None)).ToArray();
        gate.SetResult();
        await opener;

        for (var i = 0; i < writes.Length; i++)
        {
            if (i + 10 == 13)
            {
                await Assert.ThrowsAsync<StorageUnavailableException>(() => writes[i]);
            }
            else
            {
                await writes[i];
            }
        }
        Assert.Equal(6, committer.Writes);
    }

    [Fact]
    public async Task With_a_sync_stage_a_write_is_acknowledged_only_after_a_sync_that_began_after_its_commit()
    {
        var committed = new List<int>();
        var syncs = 0;
        var firstSyncEntered = new TaskCompletionSource();
        var releaseFirstSync = new TaskCompletionSource();
        await using var committer = new GroupCommitter<int>((batch, _) =>
        {
            lock (committed)
            {
                committed.AddRange(batch);
            }
            return Task.FromResult(new Exception?[batch.Count]);
        }, new GroupCommitOptions { MinBatchWhileSyncing = 1 }, async _ =>
        {
            if (Interlocked.Increment(ref syncs) == 1)
            {
                firstSyncEntered.SetResult();
                await releaseFirstSync.Task;
            }
        });

        var first = committer.CommitAsync(1, CancellationToken.None);
        await firstSyncEntered.Task;
        var second = committer.CommitAsync(2, CancellationToken.None);
        // The second write commits while the first sync is still running...
        for (var waited = 0; ; waited++)
        {
            lock (committed)
            {
                if (committed.Contains(2))
                {
                    break;
                }
            }
            Assert.True(waited < 3000, "The second write was never committed while the first sync ran.");
            await Task.Delay(10);
        }
        // ...but neither is acknowledged before a sync that covers it has finished.
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        releaseFirstSync.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(2, syncs);
        Assert.Equal(2, committer.Writes);
    }

    [Fact]
    public async Task With_two_transactions_in_flight_a_batch_commits_while_another_is_still_open()
    {
        var firstEntered = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var secondCommitted = new TaskCompletionSource();
        var calls = 0;
        await using var committer = new GroupCommitter<int>(async (batch, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstEntered.SetResult();
                await releaseFirst.Task;
            }
            else
            {
                secondCommitted.TrySetResult();
            }
            return new Exception?[batch.Count];
        }, new GroupCommitOptions(), transactionsInFlight: 2);

        var first = committer.CommitAsync(1, CancellationToken.None);
        await firstEntered.Task;
        var second = committer.CommitAsync(2, CancellationToken.None);

        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(secondCommitted.Task.IsCompleted);
        Assert.False(first.IsCompleted);
        releaseFirst.SetResult();
        await first;
        Assert.Equal(2, committer.Writes);
    }

    [Fact]
    public async Task A_full_queue_makes_writers_wait_for_room_and_lets_none_in_early()
    {
        var firstEntered = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var batches = new List<int[]>();
        await using var committer = new GroupCommitter<int>(async (batch, _) =>
        {
            lock (batches)
            {
                batches.Add(batch.ToArray());
            }
            if (batches.Count == 1)
            {
                firstEntered.SetResult();
                await releaseFirst.Task;
            }
            return new Exception?[batch.Count];
        }, new GroupCommitOptions { QueueCapacity = 2 });

        var first = committer.CommitAsync(0, CancellationToken.None);
        await firstEntered.Task;
        var queued = new[] { committer.CommitAsync(1, CancellationToken.None), committer.CommitAsync(2, CancellationToken.None) };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        // The queue holds two writes; a third waits for room, and giving up while waiting leaves nothing behind.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => committer.CommitAsync(3, cancel.Token));
        var fourth = committer.CommitAsync(4, CancellationToken.None);
        Assert.False(fourth.IsCompleted);

        releaseFirst.SetResult();
        await Task.WhenAll(queued.Append(first).Append(fourth));
        Assert.DoesNotContain(batches, batch => batch.Contains(3));
        Assert.Equal([0, 1, 2, 4], batches.SelectMany(batch => batch).Order());
        Assert.Equal(4, committer.Writes);
    }

    [Fact]
    public async Task Many_writers_with_a_sync_stage_are_each_acknowledged_once_after_a_sync()
    {
        var committed = 0L;
        var synced = 0L;
        await using var committer = new GroupCommitter<int>((batch, _) =>
        {
            Interlocked.Add(ref committed, batch.Count);
            return Task.FromResult(new Exception?[batch.Count]);
        }, new GroupCommitOptions { MinBatchWhileSyncing = 4 }, async _ =>
        {
            var upTo = Interlocked.Read(ref committed);
            await Task.Delay(1);
            Interlocked.Exchange(ref synced, upTo);
        });

        var writes = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
        {
            await committer.CommitAsync(i, CancellationToken.None);
            // Acknowledged only once a sync covered at least as many writes as this one's batch had committed by then.
            Assert.True(Interlocked.Read(ref synced) > 0, $"write {i} was acknowledged before any sync");
        })).ToArray();
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2000, committer.Writes);
        Assert.Equal(2000, Interlocked.Read(ref synced));
        Assert.True(committer.Batches < 2000, "writes queued together were never batched");
    }

    [Fact]
    public async Task A_failed_sync_acknowledges_none_of_the_writes_it_covered()
    {
        await using var committer = new GroupCommitter<int>((batch, _) => Task.FromResult(new Exception?[batch.Count]),
            new GroupCommitOptions(), _ => throw new IOException("fsync failed"));

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => committer.CommitAsync(1, CancellationToken.None));

        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(0, committer.Writes);
    }

    [Fact]
    public async Task Stale_version_write_is_rejected_and_writes_no_audit_row()
    {
        using var directory = new TempDirectory();
        await using var storage = new SqliteStorage(Path.Combine(directory.Path, "silo.db"), new GroupCommitOptions());
        await storage.CreateTenantAsync("t", "t", CancellationToken.None);
        await storage.CommitAsync(new SessionWrite("t", "s", 0, "{}", "{}"u8.ToArray(), null, null), CancellationToken.None);
        var decision = new Decision("s", 1, "read_file", Verdict.Allow, [], ["ok"], [], ["rules"], DateTimeOffset.UtcNow);

        var stale = new SessionWrite("t", "s", ExpectedVersion: 5, null, "{}"u8.ToArray(), new AuditRecord(decision, "{}", null), null);
        await Assert.ThrowsAsync<StaleStateException>(() => storage.CommitAsync(stale, CancellationToken.None));

        Assert.Equal(1, (await storage.LoadAsync("t", "s", 8, CancellationToken.None))!.Version);
        Assert.Empty(await storage.ReadDecisionsAsync("t", "s", 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_SQLite_refuses_is_rolled_back_whole_and_the_next_batch_commits()
    {
        using var directory = new TempDirectory();
        await using var storage = new SqliteStorage(Path.Combine(directory.Path, "silo.db"), new GroupCommitOptions());
        await storage.CreateTenantAsync("t", "t", CancellationToken.None);
        await storage.CommitAsync(new SessionWrite("t", "s", 0, "{}", "{}"u8.ToArray(), null, null), CancellationToken.None);
        AuditRecord Audit(long sequence) => new(new Decision("s", sequence, "read_file", Verdict.Allow, [], ["ok"], [], ["rules"], DateTimeOffset.UtcNow), "{}", null);
        await storage.CommitAsync(new SessionWrite("t", "s", 1, null, "{\"n\":1}"u8.ToArray(), Audit(1), null), CancellationToken.None);

        // The session row updates, then the decision row collides with sequence 1: SQLite refuses the statement mid-batch.
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            storage.CommitAsync(new SessionWrite("t", "s", 2, null, "{\"n\":2}"u8.ToArray(), Audit(1), null), CancellationToken.None));

        var stored = (await storage.LoadAsync("t", "s", 8, CancellationToken.None))!;
        Assert.Equal(2, stored.Version);
        Assert.Equal("{\"n\":1}", stored.StateJson);
        // The transaction was closed: the next batch opens its own and commits.
        await storage.CommitAsync(new SessionWrite("t", "s", 2, null, "{\"n\":3}"u8.ToArray(), Audit(2), null), CancellationToken.None);
        Assert.Equal(3, (await storage.LoadAsync("t", "s", 8, CancellationToken.None))!.Version);
        Assert.Equal([1L, 2L], (await storage.ReadDecisionsAsync("t", "s", 0, 10, CancellationToken.None)).Select(d => d.Sequence));
    }

    [Fact]
    public async Task Session_state_handed_over_as_utf8_is_stored_as_text_and_read_back_unchanged()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "silo.db");
        const string state = "{\"note\":\"résumé ✓ 𝄞\",\"n\":1}";
        await using (var storage = new SqliteStorage(path, new GroupCommitOptions()))
        {
            await storage.CreateTenantAsync("t", "t", CancellationToken.None);
            await storage.CommitAsync(new SessionWrite("t", "s", 0, "{}", System.Text.Encoding.UTF8.GetBytes(state), null, null), CancellationToken.None);
            await storage.CommitAsync(new SessionWrite("t", "s", 1, null, System.Text.Encoding.UTF8.GetBytes(state.Replace("1}", "2}", StringComparison.Ordinal)), null, null), CancellationToken.None);
            Assert.Equal(state.Replace("1}", "2}", StringComparison.Ordinal), (await storage.LoadAsync("t", "s", 8, CancellationToken.None))!.StateJson);
        }

        // Anyone reading the file (sqlite3, a backup tool) sees JSON text, not a blob.
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT typeof(state), state, json_valid(state) FROM sessions WHERE tenant_id = 't' AND session_id = 's'";
        using var reader = query.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("text", reader.GetString(0));
        Assert.Equal(state.Replace("1}", "2}", StringComparison.Ordinal), reader.GetString(1));
        Assert.Equal(1, reader.GetInt64(2));
    }

    [Fact]
    public async Task A_second_create_of_the_same_session_is_stale()
    {
        using var directory = new TempDirectory();
        await using var storage = new SqliteStorage(Path.Combine(directory.Path, "silo.db"), new GroupCommitOptions());
        await storage.CreateTenantAsync("t", "t", CancellationToken.None);
        await storage.CommitAsync(new SessionWrite("t", "s", 0, "{}", "{\"a\":1}"u8.ToArray(), null, null), CancellationToken.None);

        await Assert.ThrowsAsync<StaleStateException>(() => storage.CommitAsync(new SessionWrite("t", "s", 0, "{}", "{\"a\":2}"u8.ToArray(), null, null), CancellationToken.None));

        Assert.Equal("{\"a\":1}", (await storage.LoadAsync("t", "s", 8, CancellationToken.None))!.StateJson);
    }

    [Fact]
    public async Task Reopening_the_database_applies_no_migration_twice()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "silo.db");
        await (new SqliteStorage(path, new GroupCommitOptions())).DisposeAsync();

        await using var reopened = new SqliteStorage(path, new GroupCommitOptions());

        Assert.Equal(0, await reopened.CountTenantsAsync(CancellationToken.None));
    }
}
