using System.Globalization;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Jobs.Storage;

/// <summary>The jobs module's tables live in the portal database (<c>ConnectionStrings:Portal</c>).</summary>
public sealed class JobsDatabase(string connectionString) : SqliteModuleDb(connectionString)
{
    public const string Module = "jobs";

    public static IReadOnlyList<SchemaMigrator.Script> Migrations { get; } =
        SchemaMigrator.FromAssembly(typeof(JobsDatabase).Assembly, Module, "Storage/Migrations");

    internal static string Format(DateTimeOffset time) => Time(time);

    internal static DateTimeOffset Parse(string text) => ParseTime(text);
}
