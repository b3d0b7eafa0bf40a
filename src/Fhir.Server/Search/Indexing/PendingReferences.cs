using System.Collections.Frozen;
using System.Diagnostics;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// The reference index rows of new resources of <see cref="Types"/> wait in <c>ix_reference_pending</c>
/// (appended in rid order, so a commit adds them to one or two pages) and are moved into <c>ix_reference</c>
/// every <see cref="Interval"/>, sorted by key, at most <see cref="ChunkRows"/> per write. The access log
/// writes an AuditEvent naming a different patient per entity for every few reads; put straight into
/// <c>ix_reference</c> each of those rows lands on its own page and every group commit rewrites thousands
/// of pages. Merged in key order, the rows of one patient share a page.
/// Nothing is lost: the rows are in the database from the first commit. Searches see them: a search
/// that reads the index rows of a pending type merges what waits first (<see cref="SettleAsync"/>).
/// The pending types are those of the audit file (<see cref="AuditFile"/>), so the rows wait and merge there.
/// </summary>
public sealed class PendingReferences(SqliteResourceStore portal, ILogger<PendingReferences> logger) : BackgroundService
{
    private readonly SqliteResourceStore store = portal.Audit;

    /// <summary>Types whose new resources' reference rows wait: those of the audit file, the access log's AuditEvents.</summary>
    public static FrozenSet<string> Types => AuditFile.Types;

    /// <summary>
    /// How long rows wait at most (while the host runs) before they are merged. Searches never see the difference (they
    /// settle first); longer intervals merge more rows per index page: at 10 s instead of 2 s the bench's query mix cost
    /// 12% less server CPU per request (bench/RESULTS.md, session 5, helper qcost), while a search of AuditEvents then
    /// merges up to 10 s of a practice's accesses first (a few hundred rows at a real practice's rate).
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>Most rows moved in one write, so that other writers never wait long behind a merge.</summary>
    public const int ChunkRows = 5_000;

    /// <summary>
    /// Pause between the chunks of a background merge: a merge of a busy interval's rows is tens of milliseconds
    /// of one core's time, and spread out it does not show in the requests' tail latency.
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
        while (await store.WriteAsync(session => Merge((SqliteConnection)session.Connection, ChunkRows, last), ct) > 0)
        {
        }
    }

    /// <summary>
    /// Moves up to <paramref name="maxRows"/> of the oldest waiting rows (whole resources, none after
    /// <paramref name="lastRid"/>) into <c>ix_reference</c>, in key order. Returns the number of rows taken off the waiting list.
    /// </summary>
    public static int Merge(SqliteConnection connection, int maxRows, long lastRid = long.MaxValue)
    {
        using var last = connection.CreateCommand();
        last.CommandText = "SELECT rid FROM ix_reference_pending ORDER BY rid LIMIT 1 OFFSET $n";
        last.Parameters.AddWithValue("$n", maxRows - 1L);
        var upTo = Math.Min(last.ExecuteScalar() is long rid ? rid : long.MaxValue, lastRid);
        using var move = connection.CreateCommand();
        move.CommandText = """
            INSERT OR IGNORE INTO ix_reference (pid, ref_id, ref_type, rid)
            SELECT pid, ref_id, ref_type, rid FROM ix_reference_pending WHERE rid <= $upTo ORDER BY pid, ref_id, ref_type, rid
            """;
        move.Parameters.AddWithValue("$upTo", upTo);
        move.ExecuteNonQuery();
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM ix_reference_pending WHERE rid <= $upTo";
        delete.Parameters.AddWithValue("$upTo", upTo);
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
                    // One chunk per write: other writers queue between them.
                    while (!stoppingToken.IsCancellationRequested && HasRows())
                    {
                        var started = Stopwatch.GetTimestamp();
                        var moved = await store.WriteAsync(session => Merge((SqliteConnection)session.Connection, ChunkRows), stoppingToken);
                        logger.LogDebug("Merged {Rows} waiting reference index rows in {Milliseconds:F0} ms", moved, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        if (moved < ChunkRows)
                            break;
                        await Task.Delay(ChunkPause, stoppingToken);
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
