using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Identity.Storage;

/// <summary>
/// The identity tables live in the same SQLite database as the FHIR store (module "identity" of the
/// <see cref="SchemaMigrator"/>). Small helpers keep the SQL in the services readable.
/// </summary>
public sealed class IdentityDb(IOptions<StorageOptions> storage) : SqliteModuleDb(storage.Value.ConnectionString)
{
    public static IReadOnlyList<SchemaMigrator.Script> Migrations { get; } =
        SchemaMigrator.FromAssembly(typeof(IdentityDb).Assembly, "identity", "Storage/Migrations/Sqlite");

    public T? Single<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters) where T : class =>
        Query(sql, map, parameters).FirstOrDefault();

    public static DateTimeOffset? ParseTime(SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : ParseTime(reader.GetString(ordinal));
    }

    public static string? String(SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    /// <summary>SHA-256 as hex: how link tokens, codes, refresh tokens and secrets are stored.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string NewSecret(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
