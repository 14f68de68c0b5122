using Microsoft.Data.Sqlite;
using SafeMcp.Silo.Storage.Sqlite;

namespace SafeMcp.Silo.Tests;

public sealed class PreparedStatementTests
{
    [Fact]
    public void Bound_values_are_stored_as_given_and_the_statement_runs_again()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Run(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT NOT NULL)");
        using var insert = new PreparedStatement(connection, "INSERT INTO t (id, a, b) VALUES (?1, ?2, ?3)");

        Assert.Equal(1, insert.Integer(1, 1).Text(2, "").Text(3, "résumé ✓ 𝄞").Execute());
        Assert.Equal(1, insert.Integer(1, 2).Text(2, null).Utf8Text(3, "{\"n\":1}"u8).Execute());
        Assert.Equal(1, insert.Integer(1, 3).Text(2, "x").Utf8Text(3, ""u8).Execute());

        Assert.Equal(
            ["1|text||text|résumé ✓ 𝄞", "2|null||text|{\"n\":1}", "3|text|x|text|"],
            Rows(connection, "SELECT id || '|' || typeof(a) || '|' || coalesce(a, '') || '|' || typeof(b) || '|' || b FROM t ORDER BY id"));
    }

    [Fact]
    public void A_refused_statement_throws_changes_nothing_and_can_run_again()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Run(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT NOT NULL)");
        using var insert = new PreparedStatement(connection, "INSERT INTO t (id, b) VALUES (?1, ?2)");
        insert.Integer(1, 1).Text(2, "first").Execute();

        var error = Assert.Throws<SqliteException>(() => insert.Integer(1, 1).Text(2, "again").Execute());
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Throws<SqliteException>(() => insert.Integer(1, 2).Text(2, null).Execute());

        Assert.Equal(1, insert.Integer(1, 2).Text(2, "second").Execute());
        Assert.Equal(["1|first", "2|second"], Rows(connection, "SELECT id || '|' || b FROM t ORDER BY id"));
        using var read = new PreparedStatement(connection, "SELECT b FROM t WHERE id = ?1");
        Assert.Equal("second", read.Integer(1, 2).First(row => SQLitePCL.raw.sqlite3_column_text(row, 0).utf8_to_string(), "none"));
        Assert.Equal("none", read.Integer(1, 9).First(row => SQLitePCL.raw.sqlite3_column_text(row, 0).utf8_to_string(), "none"));
    }

    private static void Run(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
