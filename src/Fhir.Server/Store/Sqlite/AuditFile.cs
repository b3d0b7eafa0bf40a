using System.Collections.Frozen;
using Microsoft.Data.Sqlite;

namespace Fhir.Server.Store.Sqlite;

/// <summary>
/// The access log's AuditEvents live in a database file of their own beside the portal database (<c>portal.db</c> gets
/// <c>portal.audit.db</c>), with the same tables, written by a store of its own (<see cref="SqliteResourceStore.Audit"/>).
/// <para>
/// Why: in WAL mode SQLite empties a reading connection's page cache and unmaps its memory map whenever another connection
/// has committed to the same file. The log commits many times a second on a busy server; in the portal file every one of
/// those commits cost each search connection its cache (bench/RESULTS.md, session 11: a GP's day of appointments went
/// from 2,354 to 501 µs of server CPU with the log in a file of its own). Commits to this file leave the portal file's
/// readers alone.
/// </para>
/// Every connection of the portal store attaches this file as <see cref="Schema"/>, so a search reads both files in
/// one statement: <see cref="Table(string, string)"/> names a table of the file that holds a type, and a statement over
/// types of both files reads <c>all_</c> views that join the two (<see cref="CreateViews"/>). Its rows are numbered from
/// <see cref="RowBase"/> (rids and version sequence numbers), so that rows of both files never share a number.
/// </summary>
public static class AuditFile
{
    /// <summary>The name the portal store's connections attach the file under.</summary>
    public const string Schema = "audit";

    /// <summary>The first rid and version sequence number of the file (2^48; the portal file's rows count from 1).</summary>
    public const long RowBase = 1L << 48;

    /// <summary>The tables both files have; a statement over both reads them through <c>all_</c> views.</summary>
    public static readonly string[] Tables =
    [
        "resource_version", "resource", "search_resource", "ix_string", "ix_token", "ix_reference", "ix_reference_pending",
        "ix_date", "ix_date_long", "ix_number", "ix_quantity", "ix_uri", "ix_composite", "ix_reference_date",
    ];

    /// <summary>The types whose resources this file holds: the access log's AuditEvents.</summary>
    public static readonly FrozenSet<string> Types = FrozenSet.ToFrozenSet(["AuditEvent"], StringComparer.Ordinal);

    /// <summary>True for the types whose resources this file holds.</summary>
    public static bool Holds(string type) => Types.Contains(type);

    /// <summary>True when a rid or version sequence number is one of this file's.</summary>
    public static bool HoldsRow(long rid) => rid >= RowBase;

    /// <summary>The table in the audit file (<paramref name="audit"/>) or in the portal file, on a connection of the portal store.</summary>
    public static string TableIn(string table, bool audit) => audit ? Schema + "." + table : table;

    /// <summary>The table of <paramref name="type"/>'s rows, on a connection of the portal store.</summary>
    public static string Table(string table, string type) => TableIn(table, Holds(type));

    /// <summary>
    /// The table of the rows of <paramref name="types"/> (null: every type): the file's own when they are all in one file,
    /// otherwise the view over both.
    /// </summary>
    public static string Table(string table, IEnumerable<string>? types)
    {
        if (types is null)
            return "all_" + table;
        bool audit = false, portal = false;
        foreach (var type in types)
        {
            if (Holds(type))
                audit = true;
            else
                portal = true;
        }
        return audit && portal ? "all_" + table : audit ? Schema + "." + table : table;
    }

    /// <summary>The connection string of the file beside the portal database's (a shared in-memory database for an in-memory one).</summary>
    public static string ConnectionStringFor(string portalConnectionString)
    {
        var portal = new SqliteConnectionStringBuilder(SqliteConnectionStrings.Normalize(portalConnectionString));
        if (SqliteConnectionStrings.IsInMemory(portal))
            return new SqliteConnectionStringBuilder { DataSource = "audit-" + Guid.NewGuid().ToString("N"), Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }.ToString();
        return new SqliteConnectionStringBuilder(portal.ToString()) { DataSource = SqliteConnectionStrings.FileBeside(portal, "audit") }.ToString();
    }

    /// <summary>The name ATTACH takes for the file of <paramref name="auditConnectionString"/>.</summary>
    public static string AttachName(string auditConnectionString)
    {
        var builder = new SqliteConnectionStringBuilder(auditConnectionString);
        return builder.Mode == SqliteOpenMode.Memory ? $"file:{builder.DataSource}?mode=memory&cache=shared" : builder.DataSource;
    }

    /// <summary>
    /// The temporary views over both files that a statement over types of both reads (<c>all_search_resource</c>, ...).
    /// SQLite reads a view of UNION ALL through each file's indexes when the statement filters it directly, which is how
    /// those statements use them (a system-wide search, a search of AuditEvents and other types); joins name each file's
    /// table.
    /// </summary>
    public static void CreateViews(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = string.Concat(Tables.Select(t =>
            $"CREATE TEMP VIEW IF NOT EXISTS all_{t} AS SELECT * FROM main.{t} UNION ALL SELECT * FROM {Schema}.{t};"));
        command.ExecuteNonQuery();
    }
}
