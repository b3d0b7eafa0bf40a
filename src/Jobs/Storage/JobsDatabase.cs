using System.Globalization;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Jobs.Storage;

/// <summary>The jobs module's tables live in the portal database (<c>ConnectionStrings:Portal</c>).</summary>
public sealed class JobsDatabase(string connectionString)
{
    public const string Module = "jobs";

    public static IReadOnlyList<SchemaMigrator.Script> Migrations { get; } =
        SchemaMigrator.FromAssembly(typeof(JobsDatabase).Assembly, Module, "Storage/Migrations");

    public string ConnectionString { get; } = SqliteConnectionStrings.Normalize(connectionString);

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    internal static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
