using System.Globalization;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Graph.Api.Messaging.Storage;

/// <summary>
/// The portal's own tables (module "portal" of the <see cref="SchemaMigrator"/>) in the same SQLite
/// database as the FHIR store: per-user state that is not part of the medical record.
/// </summary>
public sealed class PortalDb(IOptions<StorageOptions> storage)
{
    private readonly string _connectionString = SqliteConnectionStrings.Normalize(storage.Value.ConnectionString);

    public static IReadOnlyList<SchemaMigrator.Script> Migrations { get; } =
        SchemaMigrator.FromAssembly(typeof(PortalDb).Assembly, "portal", "Messaging/Storage/Migrations/Sqlite");

    /// <summary>How many statements were run; tests use it to prove lists do not query per row.</summary>
    public int CommandCount => _commands;

    private int _commands;

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var timeout = connection.CreateCommand();
        timeout.CommandText = "PRAGMA busy_timeout = 5000;";
        timeout.ExecuteNonQuery();
        return connection;
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(map(reader));
        return rows;
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        Interlocked.Increment(ref _commands);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>SQL parameters for an IN list: names (@p0, @p1...) and values.</summary>
    public static (string Names, (string Name, object? Value)[] Values) InList(string prefix, IReadOnlyList<string> values)
    {
        var names = values.Select((_, i) => $"@{prefix}{i}").ToArray();
        return (names.Length == 0 ? "NULL" : string.Join(", ", names), names.Select((n, i) => (n, (object?)values[i])).ToArray());
    }

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null
            : DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string? String(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
