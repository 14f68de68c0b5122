using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>
/// One statement of the writer, prepared once and run through SQLite's own interface: values are bound in place
/// (text as the string's own characters, the session state as its UTF-8 bytes), nothing is boxed and no reader is made.
/// Through <see cref="SqliteCommand"/> each run allocated a binder for every parameter, boxed the numbers, converted each
/// string to a new byte array and opened a data reader: a fifth of what a decision allocated. Not thread-safe: the
/// writer's commit loop is its only user.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    // Empty text as a zero-terminated UTF-8 string, whose pointer is not null (see Text); made once.
    private static readonly byte[] s_emptyText = [0];

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Binds text (null: SQL NULL) to the 1-based parameter <paramref name="index"/>.</summary>
    public PreparedStatement Text(int index, string? value)
    {
        // An empty span reaches SQLite as a null pointer, which it binds as NULL: empty text goes as a zero-terminated
        // string instead.
        Check(value switch
        {
            null => raw.sqlite3_bind_null(_statement, index),
            "" => raw.sqlite3_bind_text(_statement, index, utf8z.FromSpan(s_emptyText)),
            _ => raw.sqlite3_bind_text16(_statement, index, value.AsSpan()),
        });
        return this;
    }

    /// <summary>Binds UTF-8 bytes as text to the 1-based parameter <paramref name="index"/>.</summary>
    public PreparedStatement Utf8Text(int index, ReadOnlySpan<byte> value)
    {
        Check(value.IsEmpty ? raw.sqlite3_bind_text(_statement, index, utf8z.FromSpan(s_emptyText)) : raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    /// <summary>Binds an integer to the 1-based parameter <paramref name="index"/>.</summary>
    public PreparedStatement Integer(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    /// <summary>Runs a statement that returns no rows; returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs a query and reads its first row with <paramref name="read"/>; returns <paramref name="none"/> when it has none.</summary>
    public T First<T>(Func<sqlite3_stmt, T> read, T none)
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return read(_statement);
            }
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
            return none;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();
}
