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

    /// <summary>The checkpoints beside the writer (for diagnostics and tests).</summary>
    internal WalCheckpointer Checkpointer => _checkpointer;

    public async Task<StoredSession?> LoadAsync(string tenantId, string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.definition, s.state, s.version FROM sessions s
            JOIN session_definitions d ON d.tenant_id = s.tenant_id AND d.session_id = s.session_id
            WHERE s.tenant_id = $t AND s.session_id = $s
            """;
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$s", sessionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return new StoredSession(reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
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
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = _commands.Apply(batch[i]);
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

    /// <summary>The writer's prepared statements, reused by every batch.</summary>
    private sealed class WriteCommands : IDisposable
    {
        private readonly SqliteCommand _insertSession;
        private readonly SqliteCommand _updateSession;
        private readonly SqliteCommand _writeDefinition;
        private readonly SqliteCommand _insertDecision;
        private readonly SqliteCommand _recordOutcome;
        private readonly SqliteCommand _readHead;
        private readonly SqliteCommand _writeHead;

        // The audit chain's head per tenant as committed, and as the open batch moved it. This connection is the only
        // writer, so the heads in memory are the stored ones once read.
        private readonly Dictionary<string, (long Length, string Hash)> _heads = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (long Length, string Hash)> _batchHeads = new(StringComparer.Ordinal);

        public WriteCommands(SqliteConnection connection)
        {
            _connection = connection;
            _begin = Command(connection, "BEGIN IMMEDIATE");
            _commit = Command(connection, "COMMIT");
            _rollBack = Command(connection, "ROLLBACK");
            _insertSession = Command(connection, """
                INSERT INTO sessions (tenant_id, session_id, state, version, epoch, updated_at)
                VALUES ($t, $s, CAST($st AS TEXT), $v, $e, $u) ON CONFLICT DO NOTHING
                """, "$t", "$s", "$st", "$v", "$e", "$u");
            _updateSession = Command(connection, """
                UPDATE sessions SET state = CAST($st AS TEXT), version = $v, epoch = $e, updated_at = $u
                WHERE tenant_id = $t AND session_id = $s AND version = $ev AND epoch <= $e
                """, "$t", "$s", "$st", "$v", "$e", "$u", "$ev");
            _writeDefinition = Command(connection, """
                INSERT INTO session_definitions (tenant_id, session_id, definition) VALUES ($t, $s, $d)
                ON CONFLICT (tenant_id, session_id) DO UPDATE SET definition = excluded.definition
                """, "$t", "$s", "$d");
            _insertDecision = Command(connection, """
                INSERT INTO decisions (tenant_id, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at, chain_index, chain_hash)
                VALUES ($t, $s, $q, $tool, $verdict, $r, $tech, $by, $w, $a, $th, $at, $ci, $ch)
                """, "$t", "$s", "$q", "$tool", "$verdict", "$r", "$tech", "$by", "$w", "$a", "$th", "$at", "$ci", "$ch");
            _readHead = Command(connection, "SELECT length, head_hash FROM audit_chain_heads WHERE tenant_id = $t", "$t");
            _writeHead = Command(connection, """
                INSERT INTO audit_chain_heads (tenant_id, length, head_hash) VALUES ($t, $l, $h)
                ON CONFLICT (tenant_id) DO UPDATE SET length = excluded.length, head_hash = excluded.head_hash
                """, "$t", "$l", "$h");
            _recordOutcome = Command(connection, """
                UPDATE decisions SET outcome_is_error = $err, outcome_bytes = $b, outcome_taint = $taint, observation = $obs
                WHERE tenant_id = $t AND session_id = $s AND sequence = $q
                """, "$t", "$s", "$q", "$err", "$b", "$taint", "$obs");
        }

        // The batch's transaction is opened and closed by statements of its own rather than a SqliteTransaction: each
        // SqliteTransaction registers a rollback hook, a finalizable handle with a GC handle that lives until the finalizer
        // runs. At a thousand batches a second those handles made every young collection scan and promote them.
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _commit;
        private readonly SqliteCommand _rollBack;
        private readonly SqliteConnection _connection;

        /// <summary>Opens the batch's transaction (the writer is the only writer, so it takes the write lock at once).</summary>
        public void Begin() => _begin.ExecuteNonQuery();

        /// <summary>Commits the open transaction.</summary>
        public void Commit() => _commit.ExecuteNonQuery();

        /// <summary>Rolls the open transaction back, when SQLite has not already done so (some errors end it themselves).</summary>
        public void RollBack()
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                _rollBack.ExecuteNonQuery();
            }
        }

        /// <summary>Applies one write inside the open transaction; returns why it was refused, or null.</summary>
        public Exception? Apply(SessionWrite write)
        {
            var now = DateTimeOffset.UtcNow.ToString("O");
            int changed;
            if (write.ExpectedVersion == 0)
            {
                Set(_insertSession, write.TenantId, write.SessionId, write.StateUtf8, write.NewVersion, write.Epoch, now);
                changed = _insertSession.ExecuteNonQuery();
            }
            else
            {
                Set(_updateSession, write.TenantId, write.SessionId, write.StateUtf8, write.NewVersion, write.Epoch, now, write.ExpectedVersion);
                changed = _updateSession.ExecuteNonQuery();
            }
            if (changed != 1)
            {
                return new StaleStateException($"Session {write.TenantId}/{write.SessionId}: stored version is not {write.ExpectedVersion}.");
            }
            if (write.DefinitionJson is { } definition)
            {
                Set(_writeDefinition, write.TenantId, write.SessionId, definition);
                _writeDefinition.ExecuteNonQuery();
            }

            if (write.Audit is { } audit)
            {
                var d = audit.Decision;
                var (length, head) = ChainHead(write.TenantId);
                var entry = new AuditChainEntry(write.TenantId, write.SessionId, d.Sequence, length + 1, d.Tool, AuditColumns.VerdictName(d.Verdict),
                    AuditColumns.List(d.Reasons), AuditColumns.List(d.Techniques), AuditColumns.List(d.DecidedBy), AuditColumns.List(d.WithheldTools),
                    audit.ArgumentsJson, audit.Thought, d.DecidedAt.ToString("O"));
                var hash = AuditChain.Link(head, entry);
                Set(_insertDecision, entry.TenantId, entry.SessionId, entry.Sequence, entry.Tool, entry.Verdict,
                    entry.Reasons, entry.Techniques, entry.DecidedBy, entry.Withheld,
                    entry.Arguments, (object?)entry.Thought ?? DBNull.Value, entry.DecidedAt, entry.ChainIndex, hash);
                _insertDecision.ExecuteNonQuery();
                _batchHeads[write.TenantId] = (entry.ChainIndex, hash);
            }
            if (write.Outcome is { } outcome)
            {
                Set(_recordOutcome, write.TenantId, write.SessionId, outcome.Sequence, outcome.IsError ? 1 : 0, outcome.ResultBytes, outcome.TaintFound, outcome.ObservationExcerpt);
                _recordOutcome.ExecuteNonQuery();
            }
            return null;
        }

        /// <summary>Writes the heads the open batch moved (same transaction as its rows).</summary>
        public void WriteChainHeads()
        {
            foreach (var (tenant, (length, hash)) in _batchHeads)
            {
                Set(_writeHead, tenant, length, hash);
                _writeHead.ExecuteNonQuery();
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
            Set(_readHead, tenantId);
            using var reader = _readHead.ExecuteReader();
            head = reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditChain.Genesis);
            _heads[tenantId] = head;
            return head;
        }

        private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            return command;
        }

        private static void Set(SqliteCommand command, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }
        }

        public void Dispose()
        {
            _insertSession.Dispose();
            _updateSession.Dispose();
            _writeDefinition.Dispose();
            _insertDecision.Dispose();
            _recordOutcome.Dispose();
            _readHead.Dispose();
            _writeHead.Dispose();
            _begin.Dispose();
            _commit.Dispose();
            _rollBack.Dispose();
        }
    }
}
