using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Fhir.Server.Store.Sqlite;

/// <summary>
/// One statement prepared once on a connection's handle and run through SQLite's own API, for the
/// statements the writer runs for every resource: Microsoft.Data.Sqlite looks every parameter up by
/// name and builds a data reader on each execution, which cost more than the B-tree work itself.
/// Parameters are bound by position (1-based, in the order they appear in the SQL).
/// </summary>
public sealed class SqliteStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement);
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    public SqliteStatement Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public SqliteStatement Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>A BLOB, or NULL for null.</summary>
    public SqliteStatement Bind(int index, byte[]? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs the statement to its end.</summary>
    public void Execute()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement to its end and returns the first column of its first row (e.g. from RETURNING).</summary>
    public long ExecuteInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_DONE)
                throw new InvalidOperationException("The statement returned no row");
            if (rc != raw.SQLITE_ROW)
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            var value = raw.sqlite3_column_int64(_statement, 0);
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            return value;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement to its end, handing the first column of each row to <paramref name="row"/>.</summary>
    public void ForEachInt64(Action<long> row)
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
                row(raw.sqlite3_column_int64(_statement, 0));
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private SqliteStatement Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        return this;
    }
}
