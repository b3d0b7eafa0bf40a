using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Store.Sqlite;

/// <summary>Creates the database file, switches it to WAL and applies the schema migrations.</summary>
public sealed class SqliteStoreInitializer(SqliteResourceStore store, SchemaMigrator migrator, ILogger<SqliteStoreInitializer> logger)
    : IStoreInitializer
{
    public string Describe() => new SqliteConnectionStringBuilder(store.ConnectionString).DataSource;

    public void Initialize(IEnumerable<SchemaMigrator.Script> extraScripts)
    {
        try
        {
            using var connection = store.OpenConnection();
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = wal.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    logger.LogWarning("SQLite journal mode is {Mode}, not WAL", mode);
            }
            var scripts = SchemaMigrator.FromAssembly(typeof(SqliteStoreInitializer).Assembly, "fhir", "Store/Migrations/Sqlite")
                .Concat(extraScripts);
            migrator.Apply(connection, scripts, immediateTransactions: true);
        }
        catch (SqliteException ex)
        {
            throw new StorageConfigurationException($"Cannot open the SQLite database {Describe()}: {ex.Message}", ex);
        }
    }
}
