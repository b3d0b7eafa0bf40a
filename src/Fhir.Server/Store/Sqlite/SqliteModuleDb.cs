using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Fhir.Server.Store.Sqlite;

/// <summary>
/// Base for a module's own tables in the portal's SQLite database (identity, portal, jobs): opening
/// connections the way the store does, and small helpers that keep the modules' SQL readable.
/// </summary>
public abstract class SqliteModuleDb(string connectionString)
{
    public string ConnectionString { get; } = SqliteConnectionStrings.Normalize(connectionString);

    /// <summary>SQL parameters for an IN list: names (@p0, @p1...) joined for the SQL, and their values.</summary>
    public static (string Names, (string Name, object? Value)[] Values) InList(string prefix, IEnumerable<string> values)
    {
        var list = values as IReadOnlyList<string> ?? values.ToList();
        var names = list.Select((_, i) => $"@{prefix}{i}").ToArray();
        return (names.Length == 0 ? "NULL" : string.Join(", ", names), names.Select((n, i) => (n, (object?)list[i])).ToArray());
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        OnCommand();
        using var connection = Open();
        return Execute(connection, sql, parameters);
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        OnCommand();
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(map(reader));
        return rows;
    }

    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>Most commands kept per connection; SQL built per call (IN lists of varying length) must not grow the cache without end.</summary>
    private const int MaxReused = 200;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Statements = new();

    /// <summary>
    /// A command on a connection that lives long (the write session's), compiled once per connection and SQL
    /// text and reused with fresh parameters: statements that run for every resource written (projections
    /// such as the appointment tables) would otherwise be compiled by SQLite on every call. Do not dispose
    /// it; dispose the readers it returns. The connection finalizes the statements when it closes.
    /// </summary>
    public static SqliteCommand Reused(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Reused(connection, sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>The kept command for <paramref name="sql"/> on <paramref name="connection"/>, without parameters (see above).</summary>
    public static SqliteCommand Reused(SqliteConnection connection, string sql)
    {
        var commands = Statements.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var command))
        {
            if (commands.Count >= MaxReused)
            {
                foreach (var old in commands.Values)
                    old.Dispose();
                commands.Clear();
            }
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }
        command.Parameters.Clear();
        return command;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>How times are stored in module tables: UTC, ISO 8601 with 100 ns precision.</summary>
    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Called before each statement the instance helpers run (tests count them).</summary>
    protected virtual void OnCommand()
    {
    }
}
