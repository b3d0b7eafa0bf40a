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
public sealed class PortalDb(IOptions<StorageOptions> storage) : SqliteModuleDb(storage.Value.ConnectionString)
{
    public static IReadOnlyList<SchemaMigrator.Script> Migrations { get; } =
        SchemaMigrator.FromAssembly(typeof(PortalDb).Assembly, "portal", "Messaging/Storage/Migrations/Sqlite");

    /// <summary>How many statements were run; tests use it to prove lists do not query per row.</summary>
    public int CommandCount => _commands;

    private int _commands;

    protected override void OnCommand() => Interlocked.Increment(ref _commands);

    public static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null
            : DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string? String(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
