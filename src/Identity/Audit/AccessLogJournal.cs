using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Identity.Audit;

/// <summary>
/// The access log's journal: the AuditEvents the log has written but not yet stored in the FHIR store, in a small
/// SQLite file of its own beside the portal database (<c>portal.db</c> gets <c>portal.access-journal.db</c>).
/// <para>
/// Why a file of its own: every commit to the portal database makes each reading connection drop its page cache
/// (SQLite's WAL mode has no finer invalidation), and at 100,000 patients, beyond the 2 GiB that SQLite maps, the
/// searches then read their pages again with system calls. The log commits every 100 ms under load to keep what a
/// hard kill loses small; committed here, those commits leave the searches' caches alone, and the FHIR store (the
/// audit file, <see cref="Fhir.Server.Store.Sqlite.AuditFile"/>, since session 11 apart from the portal file) gets the AuditEvents once per <see cref="IdentityServerOptions.AccessLogStoreSeconds"/> (<see cref="AccessLog.MaxEventsPerWrite"/> per write).
/// </para>
/// One connection, used by one writer at a time (the access log serialises its writes).
/// </summary>
public sealed class AccessLogJournal : IDisposable
{
    private readonly SqliteConnection _connection;

    public AccessLogJournal(string portalConnectionString)
    {
        _connection = new SqliteConnection(ConnectionStringFor(portalConnectionString));
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS access_journal (
                seq          INTEGER PRIMARY KEY,
                id           TEXT NOT NULL,
                last_updated INTEGER NOT NULL,
                json         BLOB NOT NULL
            );
            """);
    }

    /// <summary>One AuditEvent as the journal holds it: its id, its lastUpdated (Unix ms) and its JSON.</summary>
    public sealed record Entry(long Seq, string Id, long LastUpdated, byte[] Json);

    /// <summary>
    /// The journal's connection string: a file beside the portal database, or a private in-memory database when the
    /// portal database is in memory (nothing survives a restart there anyway).
    /// </summary>
    public static string ConnectionStringFor(string portalConnectionString)
    {
        var portal = new SqliteConnectionStringBuilder(SqliteConnectionStrings.Normalize(portalConnectionString));
        if (SqliteConnectionStrings.IsInMemory(portal))
            return "Data Source=:memory:;Pooling=False";
        return new SqliteConnectionStringBuilder { DataSource = SqliteConnectionStrings.FileBeside(portal, "access-journal"), Pooling = false }.ToString();
    }

    /// <summary>Appends AuditEvents in one transaction; returns the sequence number of the last (0 when none).</summary>
    public long Append(IEnumerable<(string Id, long LastUpdated, byte[] Json)> events)
    {
        using var transaction = _connection.BeginTransaction();
        using var insert = SqliteModuleDb.Command(_connection, "INSERT INTO access_journal (id, last_updated, json) VALUES (@id, @t, @json) RETURNING seq");
        var id = insert.Parameters.Add("@id", SqliteType.Text);
        var lastUpdated = insert.Parameters.Add("@t", SqliteType.Integer);
        var json = insert.Parameters.Add("@json", SqliteType.Blob);
        long last = 0;
        foreach (var e in events)
        {
            id.Value = e.Id;
            lastUpdated.Value = e.LastUpdated;
            json.Value = e.Json;
            last = (long)insert.ExecuteScalar()!;
        }
        transaction.Commit();
        return last;
    }

    /// <summary>Everything in the journal, oldest first (after a restart: what the last run did not store).</summary>
    public List<Entry> ReadAll()
    {
        using var command = SqliteModuleDb.Command(_connection, "SELECT seq, id, last_updated, json FROM access_journal ORDER BY seq");
        using var reader = command.ExecuteReader();
        var entries = new List<Entry>();
        while (reader.Read())
            entries.Add(new Entry(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader.GetValue(3)));
        return entries;
    }

    /// <summary>The JSON of the AuditEvents from <paramref name="first"/> to <paramref name="last"/>, by sequence number.</summary>
    public Dictionary<long, byte[]> Read(long first, long last)
    {
        using var command = SqliteModuleDb.Command(_connection, "SELECT seq, json FROM access_journal WHERE seq BETWEEN @first AND @last", ("@first", first), ("@last", last));
        using var reader = command.ExecuteReader();
        var json = new Dictionary<long, byte[]>();
        while (reader.Read())
            json[reader.GetInt64(0)] = (byte[])reader.GetValue(1);
        return json;
    }

    /// <summary>Forgets the AuditEvents up to <paramref name="seq"/>, once the FHIR store has committed them.</summary>
    public void RemoveUpTo(long seq) =>
        SqliteModuleDb.Execute(_connection, "DELETE FROM access_journal WHERE seq <= @s", ("@s", seq));

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
