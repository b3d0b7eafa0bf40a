using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Store;

/// <summary>
/// Applies versioned SQL scripts, embedded as resources named <c>NNNN_description.sql</c>, once each
/// and in order. Every module (the FHIR store, identity, jobs...) keeps its own numbering.
/// </summary>
public sealed partial class SchemaMigrator(ILogger<SchemaMigrator> logger)
{
    public sealed record Script(string Module, int Version, string Name, string Sql);

    public static IReadOnlyList<Script> FromAssembly(Assembly assembly, string module, string resourceFolder)
    {
        var prefix = assembly.GetName().Name + "." + resourceFolder.Replace('/', '.').Trim('.') + ".";
        var scripts = new List<Script>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
                continue;
            var file = name[prefix.Length..];
            var match = ScriptName().Match(file);
            if (!match.Success)
                throw new InvalidOperationException($"Migration script '{file}' does not follow NNNN_name.sql.");
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new Script(module, int.Parse(match.Groups[1].Value), match.Groups[2].Value, reader.ReadToEnd()));
        }
        return scripts.OrderBy(s => s.Version).ToList();
    }

    /// <summary>Applies what is missing, each script in its own transaction, serialised across processes by the database's write lock.</summary>
    public void Apply(DbConnection connection, IEnumerable<Script> scripts, bool immediateTransactions)
    {
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_migration (
                module      TEXT    NOT NULL,
                version     INTEGER NOT NULL,
                name        TEXT    NOT NULL,
                applied_utc TEXT    NOT NULL,
                PRIMARY KEY (module, version))
            """);
        foreach (var script in scripts)
        {
            Execute(connection, immediateTransactions ? "BEGIN IMMEDIATE" : "BEGIN");
            try
            {
                using var check = connection.CreateCommand();
                check.CommandText = "SELECT COUNT(*) FROM schema_migration WHERE module = @m AND version = @v";
                AddParameter(check, "@m", script.Module);
                AddParameter(check, "@v", script.Version);
                if (Convert.ToInt64(check.ExecuteScalar()) > 0)
                {
                    Execute(connection, "ROLLBACK");
                    continue;
                }
                Execute(connection, script.Sql);
                using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_migration (module, version, name, applied_utc) VALUES (@m, @v, @n, @t)";
                AddParameter(record, "@m", script.Module);
                AddParameter(record, "@v", script.Version);
                AddParameter(record, "@n", script.Name);
                AddParameter(record, "@t", DateTimeOffset.UtcNow.ToString("O"));
                record.ExecuteNonQuery();
                Execute(connection, "COMMIT");
                logger.LogInformation("Applied migration {Module} {Version:0000} {Name}", script.Module, script.Version, script.Name);
            }
            catch
            {
                Execute(connection, "ROLLBACK");
                throw;
            }
        }
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    [GeneratedRegex(@"^(\d{4})_([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();
}
