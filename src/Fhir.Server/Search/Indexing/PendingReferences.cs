using System.Collections.Frozen;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// The reference index rows of new resources of <see cref="Types"/> wait in <c>ix_reference_pending</c>
/// (appended in rid order, so a commit adds them to one or two pages) and are moved into <c>ix_reference</c>
/// every <see cref="Interval"/>. The access log writes an AuditEvent naming a different patient per entity for
/// every few reads; put straight into <c>ix_reference</c> each of those rows lands on its own page and every
/// group commit rewrites thousands of pages. A merge round reads up to <see cref="RoundRows"/> waiting rows at
/// once, sorts them by key and inserts them in key order, <see cref="ChunkRows"/> neighbouring keys per write:
/// the rows of one patient share a page, and a write touches a run of neighbouring pages instead of pages all
/// over the index.
/// Nothing is lost: the rows are in the database from the first commit. Searches see them: a search
/// that reads the index rows of a pending type merges what waits first (<see cref="SettleAsync"/>).
/// </summary>
public sealed class PendingReferences(SqliteResourceStore store, ILogger<PendingReferences> logger) : BackgroundService
{
    /// <summary>Types whose new resources' reference rows wait: the access log's AuditEvents.</summary>
    public static readonly FrozenSet<string> Types = FrozenSet.ToFrozenSet(["AuditEvent"], StringComparer.Ordinal);

    /// <summary>
    /// How long rows wait at most (while the host runs) before they are merged. Searches never see the difference (they
    /// settle first); longer intervals merge more rows per index page: at 10 s instead of 2 s the bench's query mix cost
    /// 12% less server CPU per request (bench/RESULTS.md, session 5, helper qcost), while a search of AuditEvents then
    /// merges up to 10 s of a practice's accesses first (a few hundred rows at a real practice's rate).
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>Most rows read and sorted for one round (the oldest first): about 30 MB while a round runs.</summary>
    public const int RoundRows = 250_000;

    /// <summary>Most rows moved in one write, so that other writers never wait long behind a merge.</summary>
    public const int ChunkRows = 5_000;

    /// <summary>
    /// Pause between the writes of a background round: a round of a busy interval's rows is a second or so of one
    /// core's time, and spread out it does not show in the requests' tail latency.
    /// </summary>
    public static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Moves every row that waits now into <c>ix_reference</c> (before a search that reads them). Rows that the
    /// access log adds meanwhile are left to the background merge, so a busy log cannot keep a search waiting.
    /// </summary>
    public async Task SettleAsync(CancellationToken ct = default)
    {
        long last;
        using (var connection = store.OpenConnection())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(rid) FROM ix_reference_pending";
            if (command.ExecuteScalar() is not long max)
                return;
            last = max;
        }
        while (await MergeRoundAsync(last, TimeSpan.Zero, ct) > 0)
        {
        }
    }

    /// <summary>Moves every waiting row, inside a write transaction already open on <paramref name="connection"/>.</summary>
    public static void Settle(SqliteConnection connection)
    {
        using var move = connection.CreateCommand();
        move.CommandText = """
            INSERT OR IGNORE INTO ix_reference (pid, ref_id, ref_type, rid)
            SELECT pid, ref_id, ref_type, rid FROM ix_reference_pending ORDER BY pid, ref_id, ref_type, rid;
            DELETE FROM ix_reference_pending;
            """;
        move.ExecuteNonQuery();
    }

    internal readonly record struct Row(long Pid, string RefId, string RefType, long Rid);

    /// <summary>
    /// One round: reads the oldest waiting rows (up to <see cref="RoundRows"/>, whole resources, none after
    /// <paramref name="lastRid"/>) in key order, inserts them chunk by chunk, then takes the rows now in the index off
    /// the waiting list. Returns the number of rows read (0: nothing up to <paramref name="lastRid"/> waits).
    /// Between the writes others may change the rows: a row deleted meanwhile is not inserted (only rows still waiting
    /// are); a row of an update or reindex meanwhile stays waiting for the next round unless the index has it.
    /// </summary>
    internal async Task<int> MergeRoundAsync(long lastRid, TimeSpan pause, CancellationToken ct)
    {
        var rows = new List<Row>();
        using (var connection = store.OpenConnection())
        {
            using var last = connection.CreateCommand();
            last.CommandText = "SELECT rid FROM ix_reference_pending ORDER BY rid LIMIT 1 OFFSET $n";
            last.Parameters.AddWithValue("$n", RoundRows - 1L);
            var upTo = Math.Min(last.ExecuteScalar() is long rid ? rid : long.MaxValue, lastRid);
            using var read = connection.CreateCommand();
            read.CommandText = """
                SELECT pid, ref_id, ref_type, rid FROM ix_reference_pending WHERE rid <= $upTo ORDER BY pid, ref_id, ref_type, rid
                """;
            read.Parameters.AddWithValue("$upTo", upTo);
            using var reader = read.ExecuteReader();
            while (reader.Read())
                rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }
        if (rows.Count == 0)
            return 0;
        for (var i = 0; i < rows.Count; i += ChunkRows)
        {
            var chunk = rows.GetRange(i, Math.Min(ChunkRows, rows.Count - i));
            await store.WriteAsync(session => Insert((SqliteConnection)session.Connection, chunk), ct);
            if (pause > TimeSpan.Zero)
                await Task.Delay(pause, ct);
        }
        var rids = rows.Select(r => r.Rid).Order().ToArray();
        for (var i = 0; i < rids.Length; i += ChunkRows)
        {
            var (from, to) = (rids[i], rids[Math.Min(i + ChunkRows, rids.Length) - 1]);
            await store.WriteAsync(session => DeleteMerged((SqliteConnection)session.Connection, from, to), ct);
        }
        return rows.Count;
    }

    /// <summary>Inserts the rows that still wait; returns how many the index did not have.</summary>
    internal static int Insert(SqliteConnection connection, List<Row> chunk)
    {
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT OR IGNORE INTO ix_reference (pid, ref_id, ref_type, rid)
            SELECT $pid, $ref, $type, $rid
            WHERE EXISTS (SELECT 1 FROM ix_reference_pending WHERE rid = $rid AND pid = $pid AND ref_id = $ref AND ref_type = $type)
            """;
        var pid = insert.Parameters.Add("$pid", SqliteType.Integer);
        var reference = insert.Parameters.Add("$ref", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var rid = insert.Parameters.Add("$rid", SqliteType.Integer);
        insert.Prepare();
        var inserted = 0;
        foreach (var row in chunk)
        {
            (pid.Value, reference.Value, type.Value, rid.Value) = (row.Pid, row.RefId, row.RefType, row.Rid);
            inserted += insert.ExecuteNonQuery();
        }
        return inserted;
    }

    /// <summary>Takes waiting rows of rids <paramref name="from"/>..<paramref name="to"/> off the list once the index has them.</summary>
    internal static int DeleteMerged(SqliteConnection connection, long from, long to)
    {
        using var delete = connection.CreateCommand();
        delete.CommandText = """
            DELETE FROM ix_reference_pending WHERE rid BETWEEN $from AND $to AND EXISTS (
                SELECT 1 FROM ix_reference x WHERE x.pid = ix_reference_pending.pid AND x.ref_id = ix_reference_pending.ref_id
                    AND x.ref_type = ix_reference_pending.ref_type AND x.rid = ix_reference_pending.rid)
            """;
        delete.Parameters.AddWithValue("$from", from);
        delete.Parameters.AddWithValue("$to", to);
        return delete.ExecuteNonQuery();
    }

    /// <summary>True when rows wait (read on a connection of its own).</summary>
    public bool HasRows()
    {
        using var connection = store.OpenConnection();
        return HasRows(connection);
    }

    /// <summary>True when rows wait, on a connection of the caller (in its snapshot).</summary>
    public static bool HasRows(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM ix_reference_pending)";
        return (long)command.ExecuteScalar()! != 0;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // A full round may leave more waiting: go on until a round takes what is left.
                    while (!stoppingToken.IsCancellationRequested && HasRows()
                        && await MergeRoundAsync(long.MaxValue, ChunkPause, stoppingToken) >= RoundRows)
                    {
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Could not merge the waiting reference index rows; the next round tries again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
