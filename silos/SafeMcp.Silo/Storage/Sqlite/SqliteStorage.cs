using System.Text.Json;
using Microsoft.Data.Sqlite;
using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. One writer connection commits grouped batches; a commit is
/// on disk before it is acknowledged: the WAL is synced after each batch (<see cref="FileDataSync"/>), overlapping
/// with the next batches' commits. Checkpoints run beside the writer, not inside its commits (<see cref="WalCheckpointer"/>).
/// Reads use pooled connections.
/// </summary>
internal sealed class SqliteStorage : ISessionStore, ITenantStore, IStorageProbe, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly GroupCommitter<SessionWrite> _committer;
    private readonly WriteCommands _commands;
    private readonly FileDataSync _walSync;
    private readonly WalCheckpointer _checkpointer;

    public SqliteStorage(string path, GroupCommitOptions groupCommit, SqliteStorageOptions? storageOptions = null)
    {
        var storage = storageOptions ?? new SqliteStorageOptions();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Pragma(_writer, "PRAGMA journal_mode=WAL");
        // No sync inside COMMIT: the group committer syncs the WAL itself before acknowledging (see FileDataSync).
        // Checkpoints still sync the WAL before and the database after copying pages, so the file stays consistent.
        Pragma(_writer, "PRAGMA synchronous=NORMAL");
        Pragma(_writer, "PRAGMA busy_timeout=5000");
        // The writer never checkpoints inside a commit; the checkpointer does it beside the writer (see WalCheckpointer).
        Pragma(_writer, "PRAGMA wal_autocheckpoint=0");
        Pragma(_writer, $"PRAGMA cache_size=-{storage.WriterCacheKiB}");
        SqliteMigrator.Apply(_writer);
        _commands = new WriteCommands(_writer);
        _walSync = new FileDataSync(path + "-wal");
        _checkpointer = new WalCheckpointer(_connectionString, path, storage);
        _committer = new GroupCommitter<SessionWrite>(CommitBatchAsync, groupCommit, FlushWalAsync);
    }

    /// <summary>Batches committed (for diagnostics and benchmarks).</summary>
    public long Batches => _committer.Batches;

    /// <summary>Writes committed (for diagnostics and benchmarks).</summary>
    public long Writes => _committer.Writes;

    public DurationHistogram CommitWait => _committer.CommitWait;

    public DurationHistogram? LogSync => _committer.LogSync;

    /// <summary>The checkpoints beside the writer (for diagnostics and tests).</summary>
    internal WalCheckpointer Checkpointer => _checkpointer;

    public async Task<StoredSession?> LoadAsync(string tenantId, string sessionId, int recentCalls, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recentCalls);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        // One read transaction, so the state and the calls are of the same commit. Deferred: a plain BEGIN takes no lock
        // until the first read, and then only a read snapshot; the default (IMMEDIATE) would take the write lock and wait
        // for the writer's batches.
        using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT d.definition, s.state, s.version FROM sessions s
            JOIN session_definitions d ON d.tenant_id = s.tenant_id AND d.session_id = s.session_id
            WHERE s.tenant_id = $t AND s.session_id = $s;
            SELECT {AuditColumns.RecentCallColumns} FROM decisions
            WHERE tenant_id = $t AND session_id = $s ORDER BY sequence DESC LIMIT $n;
            """;
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$s", sessionId);
        command.Parameters.AddWithValue("$n", recentCalls);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var (definition, state, version) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return new StoredSession(definition, state, version, await AuditColumns.ReadRecentCallsAsync(reader, cancellationToken).ConfigureAwait(false));
    }

    public Task CommitAsync(SessionWrite write, CancellationToken cancellationToken) =>
        _committer.CommitAsync(write, cancellationToken);

    public async Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {AuditColumns.DecisionColumns}
            FROM decisions WHERE tenant_id = $t AND session_id = $s AND sequence > $a
            ORDER BY sequence LIMIT $l
            """;
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$s", sessionId);
        command.Parameters.AddWithValue("$a", afterSequence);
        command.Parameters.AddWithValue("$l", limit);
        var decisions = new List<Decision>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            decisions.Add(AuditColumns.ReadDecision(reader, sessionId, static (r, i) => DateTimeOffset.Parse(r.GetString(i), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return decisions;
    }

    public async Task CreateTenantAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO tenants (tenant_id, name, created_at) VALUES ($t, $n, $c) ON CONFLICT DO NOTHING";
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$c", DateTimeOffset.UtcNow.ToString("O"));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new InvalidOperationException($"Tenant '{tenantId}' already exists.");
        }
    }

    public async Task AddKeyAsync(string tenantId, string keyHash, string keyPrefix, KeyRole role, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO api_keys (key_hash, tenant_id, key_prefix, created_at, role)
            SELECT $h, tenant_id, $p, $c, $r FROM tenants WHERE tenant_id = $t
            """;
        command.Parameters.AddWithValue("$h", keyHash);
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$p", keyPrefix);
        command.Parameters.AddWithValue("$r", KeyOwner.StoredName(role));
        command.Parameters.AddWithValue("$c", DateTimeOffset.UtcNow.ToString("O"));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new InvalidOperationException($"Tenant '{tenantId}' does not exist.");
        }
    }

    public async Task<KeyOwner?> FindKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant_id, role FROM api_keys WHERE key_hash = $h AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$h", keyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new KeyOwner(reader.GetString(0), KeyOwner.ParseStored(reader.GetString(1)))
            : null;
    }

    public async Task<long> CountTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM tenants";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public string Name => "sqlite";

    /// <summary>Whether the database answers a trivial query (readiness).</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private Task<Exception?[]> CommitBatchAsync(IReadOnlyList<SessionWrite> batch, CancellationToken cancellationToken)
    {
        var results = new Exception?[batch.Count];
        _checkpointer.CatchUpIfDue(_writer);
        _commands.Begin();
        try
        {
            // One commit time for the batch's rows: they become visible together.
            var now = DateTimeOffset.UtcNow.ToString("O");
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = _commands.Apply(batch[i], now);
            }
            _commands.WriteChainHeads();
            _commands.Commit();
            _commands.ChainCommitted();
        }
        catch
        {
            _commands.ChainAborted();
            _commands.RollBack();
            throw;
        }
        return Task.FromResult(results);
    }

    private Task FlushWalAsync(CancellationToken cancellationToken)
    {
        _walSync.Flush();
        return Task.CompletedTask;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException error)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StorageUnavailableException("The embedded database cannot be opened.", error);
        }
    }

    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync().ConfigureAwait(false);
        _checkpointer.Dispose();
        _commands.Dispose();
        _walSync.Dispose();
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The writer's prepared statements, reused by every batch (<see cref="PreparedStatement"/>).</summary>
    private sealed class WriteCommands : IDisposable
    {
        // The batch's transaction is opened and closed by statements of its own rather than a SqliteTransaction: each
        // SqliteTransaction registers a rollback hook, a finalizable handle with a GC handle that lives until the finalizer
        // runs. At a thousand batches a second those handles made every young collection scan and promote them.
        private readonly PreparedStatement _begin;
        private readonly PreparedStatement _commit;
        private readonly PreparedStatement _rollBack;
        private readonly PreparedStatement _insertSession;
        private readonly PreparedStatement _updateSession;
        private readonly PreparedStatement _writeDefinition;
        private readonly PreparedStatement _insertDecision;
        private readonly PreparedStatement _recordOutcome;
        private readonly PreparedStatement _readHead;
        private readonly PreparedStatement _writeHead;
        private readonly SqliteConnection _connection;

        // The audit chain's head per tenant as committed, and as the open batch moved it. This connection is the only
        // writer, so the heads in memory are the stored ones once read.
        private readonly Dictionary<string, (long Length, string Hash)> _heads = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (long Length, string Hash)> _batchHeads = new(StringComparer.Ordinal);

        public WriteCommands(SqliteConnection connection)
        {
            _connection = connection;
            _begin = new PreparedStatement(connection, "BEGIN IMMEDIATE");
            _commit = new PreparedStatement(connection, "COMMIT");
            _rollBack = new PreparedStatement(connection, "ROLLBACK");
            // ?1 tenant, ?2 session, ?3 state (UTF-8 JSON text), ?4 new version, ?5 epoch, ?6 when, ?7 expected version.
            _insertSession = new PreparedStatement(connection, """
                INSERT INTO sessions (tenant_id, session_id, state, version, epoch, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING
                """);
            _updateSession = new PreparedStatement(connection, """
                UPDATE sessions SET state = ?3, version = ?4, epoch = ?5, updated_at = ?6
                WHERE tenant_id = ?1 AND session_id = ?2 AND version = ?7 AND epoch <= ?5
                """);
            _writeDefinition = new PreparedStatement(connection, """
                INSERT INTO session_definitions (tenant_id, session_id, definition) VALUES (?1, ?2, ?3)
                ON CONFLICT (tenant_id, session_id) DO UPDATE SET definition = excluded.definition
                """);
            _insertDecision = new PreparedStatement(connection, """
                INSERT INTO decisions (tenant_id, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at, chain_index, chain_hash, server)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                """);
            _readHead = new PreparedStatement(connection, "SELECT length, head_hash FROM audit_chain_heads WHERE tenant_id = ?1");
            _writeHead = new PreparedStatement(connection, """
                INSERT INTO audit_chain_heads (tenant_id, length, head_hash) VALUES (?1, ?2, ?3)
                ON CONFLICT (tenant_id) DO UPDATE SET length = excluded.length, head_hash = excluded.head_hash
                """);
            _recordOutcome = new PreparedStatement(connection, """
                UPDATE decisions SET outcome_is_error = ?4, outcome_bytes = ?5, outcome_taint = ?6, observation = ?7
                WHERE tenant_id = ?1 AND session_id = ?2 AND sequence = ?3
                """);
        }

        /// <summary>Opens the batch's transaction (the writer is the only writer, so it takes the write lock at once).</summary>
        public void Begin() => _begin.Execute();

        /// <summary>Commits the open transaction.</summary>
        public void Commit() => _commit.Execute();

        /// <summary>Rolls the open transaction back, when SQLite has not already done so (some errors end it themselves).</summary>
        public void RollBack()
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                _rollBack.Execute();
            }
        }

        /// <summary>Applies one write inside the open transaction, written at <paramref name="now"/>; returns why it was refused, or null.</summary>
        public Exception? Apply(SessionWrite write, string now)
        {
            var session = (write.ExpectedVersion == 0 ? _insertSession : _updateSession)
                .Text(1, write.TenantId).Text(2, write.SessionId).Utf8Text(3, write.StateUtf8)
                .Integer(4, write.NewVersion).Integer(5, write.Epoch).Text(6, now);
            if (write.ExpectedVersion != 0)
            {
                session.Integer(7, write.ExpectedVersion);
            }
            if (session.Execute() != 1)
            {
                return new StaleStateException($"Session {write.TenantId}/{write.SessionId}: stored version is not {write.ExpectedVersion}.");
            }
            if (write.DefinitionJson is { } definition)
            {
                _writeDefinition.Text(1, write.TenantId).Text(2, write.SessionId).Text(3, definition).Execute();
            }

            if (write.Audit is { } audit)
            {
                var d = audit.Decision;
                var (length, head) = ChainHead(write.TenantId);
                var entry = new AuditChainEntry(write.TenantId, write.SessionId, d.Sequence, length + 1, d.Tool, AuditColumns.VerdictName(d.Verdict),
                    AuditColumns.List(d.Reasons), AuditColumns.List(d.Techniques), AuditColumns.List(d.DecidedBy), AuditColumns.List(d.WithheldTools),
                    audit.ArgumentsJson, audit.Thought, d.DecidedAt.ToString("O"), d.Server ?? SessionKeys.DefaultServer);
                var hash = AuditChain.Link(head, entry);
                _insertDecision.Text(1, entry.TenantId).Text(2, entry.SessionId).Integer(3, entry.Sequence).Text(4, entry.Tool).Text(5, entry.Verdict)
                    .Text(6, entry.Reasons).Text(7, entry.Techniques).Text(8, entry.DecidedBy).Text(9, entry.Withheld)
                    .Text(10, entry.Arguments).Text(11, entry.Thought).Text(12, entry.DecidedAt).Integer(13, entry.ChainIndex).Text(14, hash)
                    .Text(15, entry.Server).Execute();
                _batchHeads[write.TenantId] = (entry.ChainIndex, hash);
            }
            if (write.Outcome is { } outcome)
            {
                _recordOutcome.Text(1, write.TenantId).Text(2, write.SessionId).Integer(3, outcome.Sequence).Integer(4, outcome.IsError ? 1 : 0)
                    .Integer(5, outcome.ResultBytes).Text(6, outcome.TaintFound).Text(7, outcome.ObservationExcerpt).Execute();
            }
            return null;
        }

        /// <summary>Writes the heads the open batch moved (same transaction as its rows).</summary>
        public void WriteChainHeads()
        {
            foreach (var (tenant, (length, hash)) in _batchHeads)
            {
                _writeHead.Text(1, tenant).Integer(2, length).Text(3, hash).Execute();
            }
        }

        /// <summary>The batch committed: its heads are now the stored ones.</summary>
        public void ChainCommitted()
        {
            foreach (var (tenant, head) in _batchHeads)
            {
                _heads[tenant] = head;
            }
            _batchHeads.Clear();
        }

        /// <summary>The batch rolled back: forget every head in memory, they are read again when next needed.</summary>
        public void ChainAborted()
        {
            _batchHeads.Clear();
            _heads.Clear();
        }

        private (long Length, string Hash) ChainHead(string tenantId)
        {
            if (_batchHeads.TryGetValue(tenantId, out var head) || _heads.TryGetValue(tenantId, out head))
            {
                return head;
            }
            head = _readHead.Text(1, tenantId).First(
                static row => (SQLitePCL.raw.sqlite3_column_int64(row, 0), SQLitePCL.raw.sqlite3_column_text(row, 1).utf8_to_string()),
                (0L, AuditChain.Genesis));
            _heads[tenantId] = head;
            return head;
        }

        public void Dispose()
        {
            _begin.Dispose();
            _commit.Dispose();
            _rollBack.Dispose();
            _insertSession.Dispose();
            _updateSession.Dispose();
            _writeDefinition.Dispose();
            _insertDecision.Dispose();
            _recordOutcome.Dispose();
            _readHead.Dispose();
            _writeHead.Dispose();
        }
    }
}
