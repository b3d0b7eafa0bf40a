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

    /// <summary>SQL parameters for an IN list: names (@p0, @p1...) and values.</summary>
    public static (string Names, (string Name, object? Value)[] Values) InList(string prefix, IReadOnlyList<string> values)
    {
        var names = values.Select((_, i) => $"@{prefix}{i}").ToArray();
        return (names.Length == 0 ? "NULL" : string.Join(", ", names), names.Select((n, i) => (n, (object?)values[i])).ToArray());
    }

    public static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null
            : DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string? String(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
