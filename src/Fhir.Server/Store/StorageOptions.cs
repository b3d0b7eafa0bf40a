using System.ComponentModel.DataAnnotations;

namespace Fhir.Server.Store;

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>Bound from the <c>Storage</c> section; the connection string from <c>ConnectionStrings:Portal</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    [Required(AllowEmptyStrings = false)]
    public string ConnectionString { get; set; } = "Data Source=./data/portal.db";

    /// <summary>How many queued writes the SQLite writer commits in one transaction at most.</summary>
    [Range(1, 10_000)]
    public int MaxWriteBatch { get; set; } = 256;
}
