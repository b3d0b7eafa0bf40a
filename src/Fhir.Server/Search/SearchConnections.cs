using System.Collections.Concurrent;
using System.Diagnostics;
using Fhir.Server.Search.Query;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Fhir.Server.Search;

/// <summary>
/// The pooled search connections, each of which keeps its read transaction (its snapshot) open between searches as
/// long as no write that searches must see has committed since (<see cref="SqliteResourceStore.DataVersion"/>).
/// Why: when a read transaction starts after any commit to the database, SQLite empties the connection's page cache
/// and unmaps its memory map, so every search re-reads (beyond the 2 GiB map) or re-faults the pages it touches. The
/// access log commits its AuditEvents and moves their index rows many times a second under load; those commits do not
/// change what other searches find, so a connection goes on reading its snapshot, with its cache and map warm, across
/// them. A search that reads AuditEvents asks for a fresh snapshot (after settling their waiting index rows).
/// A snapshot is also ended when it is older than <see cref="MaxSnapshotAge"/>, on an idle connection by a sweep,
/// because a reader's snapshot keeps the WAL from being checkpointed past it.
/// </summary>
public sealed class SearchConnections : IDisposable
{
    /// <summary>Longest time a connection reads one snapshot (also how long an idle one holds back the checkpoint).</summary>
    public static readonly TimeSpan MaxSnapshotAge = TimeSpan.FromSeconds(1);

    /// <summary>Page cache of each pooled search connection, in KiB (filled only as pages are read).</summary>
    private const int CacheKiB = 16_384;

    private readonly SqliteResourceStore _store;

    /// <summary>
    /// The idle connections, newest on top: a lock-free stack (a ConcurrentBag's take and put lock when its per-thread
    /// lists hold one item, which with 16 clients was 6% of a search's time in contention), and last in, first out keeps
    /// the connections in use few, so fewer caches are warmed.
    /// </summary>
    private readonly ConcurrentStack<Reader> _idle = new();

    /// <summary>Every open connection, idle or in use, for the sweep.</summary>
    private readonly ConcurrentDictionary<Reader, byte> _all = new();

    private readonly Timer _sweep;

    private readonly TimeSpan _maxAge;

    public SearchConnections(SqliteResourceStore store) : this(store, MaxSnapshotAge)
    {
    }

    /// <summary>With another longest snapshot age (tests).</summary>
    internal SearchConnections(SqliteResourceStore store, TimeSpan maxSnapshotAge)
    {
        _store = store;
        _maxAge = maxSnapshotAge;
        _sweep = new Timer(_ => Sweep(), null, maxSnapshotAge, maxSnapshotAge);
    }

    /// <summary>How many connections have a read transaction open (tests).</summary>
    internal int OpenSnapshots => _all.Keys.Count(r => r.InSnapshot);

    /// <summary>A pooled connection and the snapshot it reads. Locked while a search or the sweep uses it.</summary>
    private sealed class Reader(SqliteConnection connection)
    {
        public SqliteConnection Connection { get; } = connection;

        /// <summary>True while a read transaction is open.</summary>
        public bool InSnapshot { get; set; }

        /// <summary>The store's data version when the snapshot began (it holds at least every write counted by then).</summary>
        public long Version { get; set; }

        public long Started { get; set; }
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a pooled connection inside a read transaction: the probes, the page, the includes
    /// and the JSON come from one snapshot. The snapshot holds every write that committed before this call (other than
    /// the access log's), or, with <paramref name="fresh"/>, every write at all.
    /// </summary>
    public T Read<T>(Func<SqliteConnection, T> read, bool fresh = false)
    {
        if (!_idle.TryPop(out var reader))
            reader = Open();
        T result;
        lock (reader)
        {
            try
            {
                var version = _store.DataVersion;
                if (reader.InSnapshot && (fresh || reader.Version != version || Stopwatch.GetElapsedTime(reader.Started) > _maxAge))
                    End(reader);
                if (!reader.InSnapshot)
                {
                    // The version is read before the snapshot begins (at the first read of the transaction), so the snapshot
                    // holds at least the writes it counts.
                    Execute(reader.Connection, "BEGIN");
                    reader.InSnapshot = true;
                    reader.Version = version;
                    reader.Started = Stopwatch.GetTimestamp();
                }
                result = read(reader.Connection);
            }
            catch (Exception ex) when (ex is not Features.Outcomes.FhirException)
            {
                // The connection's state is unknown: closing it ends its transaction.
                Close(reader);
                throw;
            }
            catch
            {
                _idle.Push(reader);
                throw;
            }
        }
        _idle.Push(reader);
        return result;
    }

    private Reader Open()
    {
        var connection = _store.OpenConnection();
        SearchExecutor.CacheStatements(connection);
        // A database larger than the memory map (about 2.6 KB per resource: 8 GB at 100,000 patients) is read
        // through this cache; SQLite's default of 2 MiB re-reads an index's upper levels on every search.
        Execute(connection, $"PRAGMA cache_size = -{CacheKiB}");
        var reader = new Reader(connection);
        _all[reader] = 0;
        return reader;
    }

    private static void End(Reader reader)
    {
        reader.InSnapshot = false;
        Execute(reader.Connection, "COMMIT");
    }

    /// <summary>
    /// Closes a connection, ending its read transaction first: a closed connection goes back to the driver's pool, and one
    /// handed out again still inside a transaction would make its next user's writes part of it (and hold the write lock).
    /// </summary>
    private void Close(Reader reader)
    {
        _all.TryRemove(reader, out _);
        if (reader.InSnapshot)
        {
            reader.InSnapshot = false;
            try
            {
                Execute(reader.Connection, "ROLLBACK");
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                // Its state is unknown: keep it out of the pool.
                SqliteConnection.ClearPool(reader.Connection);
            }
        }
        reader.Connection.Dispose();
    }

    /// <summary>Ends the snapshots of idle connections that are older than the longest age.</summary>
    private void Sweep()
    {
        foreach (var reader in _all.Keys)
        {
            if (!Monitor.TryEnter(reader))
                continue; // in use: the search ends it when it is too old
            try
            {
                if (reader.InSnapshot && Stopwatch.GetElapsedTime(reader.Started) > _maxAge)
                    End(reader);
            }
            catch (Exception ex) when (ex is SqliteException or ObjectDisposedException or InvalidOperationException)
            {
                // Closed meanwhile, or left to the next search on it, which ends or closes it.
            }
            finally
            {
                Monitor.Exit(reader);
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = SearchExecutor.Command(connection, sql, new SqlParams());
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _sweep.Dispose();
        while (_idle.TryPop(out var reader))
        {
            lock (reader)
                Close(reader);
        }
    }
}
