using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Store.Sqlite;

/// <summary>Creates the database file, switches it to WAL and applies the schema migrations.</summary>
public sealed class SqliteStoreInitializer(SqliteResourceStore store, SchemaMigrator migrator, ILogger<SqliteStoreInitializer> logger)
    : IStoreInitializer
{
    public string Describe() => new SqliteConnectionStringBuilder(store.ConnectionString).DataSource;

    /// <summary>
    /// The audit file first (<see cref="AuditFile"/>: the FHIR store's tables, numbered from <see cref="AuditFile.RowBase"/>),
    /// so that the portal file's connections find it when they attach it; then the portal file with
    /// <paramref name="extraScripts"/>.
    /// </summary>
    public void Initialize(IEnumerable<SchemaMigrator.Script> extraScripts)
    {
        Initialize(store.Audit, []);
        Initialize(store, extraScripts);
    }

    private void Initialize(SqliteResourceStore file, IEnumerable<SchemaMigrator.Script> extraScripts)
    {
        try
        {
            using var connection = file.OpenConnection(attach: false);
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
            if (file.IsAudit)
                NumberFromRowBase(connection);
        }
        catch (SqliteException ex)
        {
            throw new StorageConfigurationException($"Cannot open the SQLite database {new SqliteConnectionStringBuilder(file.ConnectionString).DataSource}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Makes a new audit file number its versions and rids from <see cref="AuditFile.RowBase"/>: the version numbering
    /// through <c>sqlite_sequence</c> (AUTOINCREMENT), the rids through a first row that no search finds (no type, not
    /// alive), since SQLite gives a new rowid one more than the largest.
    /// </summary>
    private static void NumberFromRowBase(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            BEGIN IMMEDIATE;
            INSERT INTO sqlite_sequence (name, seq) SELECT 'resource_version', {AuditFile.RowBase - 1}
                WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'resource_version');
            INSERT INTO search_resource (rid, type, id, seq, last_updated, alive) SELECT {AuditFile.RowBase - 1}, '', '', 0, 0, 0
                WHERE NOT EXISTS (SELECT 1 FROM search_resource);
            COMMIT;
            """;
        command.ExecuteNonQuery();
    }
}
