using Microsoft.Data.Sqlite;

namespace Fhir.Server.Store.Sqlite;

public static class SqliteConnectionStrings
{
    /// <summary>
    /// Makes the file path absolute (relative paths are taken from the working directory), creates
    /// its folder, and turns on pooling. Throws <see cref="StorageConfigurationException"/> with one
    /// clear sentence when the string cannot be used.
    /// </summary>
    public static string Normalize(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new StorageConfigurationException(
                $"ConnectionStrings:Portal is not a valid SQLite connection string ({ex.Message})");
        }
        if (string.IsNullOrWhiteSpace(builder.DataSource))
            throw new StorageConfigurationException("ConnectionStrings:Portal names no Data Source (a SQLite file such as ./data/portal.db).");
        if (!IsInMemory(builder))
        {
            var path = Path.GetFullPath(builder.DataSource);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StorageConfigurationException($"Cannot create the folder for the database file {path}: {ex.Message}");
            }
            builder.DataSource = path;
        }
        builder.Pooling = true;
        builder.Cache = SqliteCacheMode.Default;
        return builder.ToString();
    }

    /// <summary>True when the connection string names an in-memory database (nothing on disk).</summary>
    public static bool IsInMemory(SqliteConnectionStringBuilder builder) =>
        builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory;

    /// <summary>
    /// The path of a file beside the database file of <paramref name="builder"/>, named after it:
    /// <c>portal.db</c> with <paramref name="part"/> <c>audit</c> gives <c>portal.audit.db</c>.
    /// </summary>
    public static string FileBeside(SqliteConnectionStringBuilder builder, string part)
    {
        var path = Path.GetFullPath(builder.DataSource);
        return Path.Combine(Path.GetDirectoryName(path)!, $"{Path.GetFileNameWithoutExtension(path)}.{part}{Path.GetExtension(path)}");
    }

    /// <summary>Opens the database once to prove the connection string works.</summary>
    public static void Probe(string connectionString)
    {
        var normalized = Normalize(connectionString);
        try
        {
            using var connection = new SqliteConnection(normalized);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            command.ExecuteScalar();
        }
        catch (SqliteException ex)
        {
            throw new StorageConfigurationException(
                $"Cannot open the SQLite database {new SqliteConnectionStringBuilder(normalized).DataSource}: {ex.Message}", ex);
        }
    }
}
