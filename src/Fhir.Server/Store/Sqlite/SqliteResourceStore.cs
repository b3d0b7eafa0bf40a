using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fhir.Server.Store.Sqlite;

/// <summary>
/// The embedded store. SQLite allows one writer at a time, so writes queue up and a single writer
/// commits whatever is waiting in one transaction (group commit), each unit of work inside its own
/// savepoint so one failure spoils nothing else. Readers use pooled connections with prepared
/// statements and run concurrently thanks to WAL. WAL with synchronous=NORMAL keeps every
/// acknowledged commit across a crash of the process.
/// </summary>
public sealed class SqliteResourceStore : IResourceStore, IAsyncDisposable
{
    private const string SelectCurrent = """
        SELECT r.version, r.deleted, v.last_updated, v.json, v.seq, v.method
        FROM resource r JOIN resource_version v ON v.seq = r.current_seq
        WHERE r.type = $type AND r.id = $id
        """;

    private const string SelectVersion = """
        SELECT version, method = 'DELETE', last_updated, json, seq, method
        FROM resource_version WHERE type = $type AND id = $id AND version = $version
        """;

    private readonly string _connectionString;
    private readonly int _maxBatch;
    private readonly ILogger<SqliteResourceStore> _logger;
    private readonly Channel<IWriteRequest> _queue = Channel.CreateUnbounded<IWriteRequest>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentBag<ReaderSession> _readers = new();
    private readonly Task _writerLoop;

    public SqliteResourceStore(IOptions<StorageOptions> options, ILogger<SqliteResourceStore> logger)
        : this(SqliteConnectionStrings.Normalize(options.Value.ConnectionString), options.Value.MaxWriteBatch, logger, portal: null)
    {
    }

    private SqliteResourceStore(string connectionString, int maxBatch, ILogger<SqliteResourceStore> logger, SqliteResourceStore? portal)
    {
        _logger = logger;
        _maxBatch = maxBatch;
        _connectionString = connectionString;
        Audit = portal is null ? new SqliteResourceStore(AuditFile.ConnectionStringFor(connectionString), maxBatch, logger, this) : this;
        _attach = portal is null ? AuditFile.AttachName(Audit._connectionString) : null;
        _writerLoop = Task.Factory.StartNew(WriterLoop, CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public string ConnectionString => _connectionString;

    /// <summary>
    /// The store of the access log's AuditEvents, in a file of its own (<see cref="AuditFile"/>), with its own writer;
    /// this store itself when it is that one.
    /// </summary>
    public SqliteResourceStore Audit { get; }

    /// <summary>True for the store of the AuditEvents' file.</summary>
    public bool IsAudit => ReferenceEquals(Audit, this);

    /// <summary>The audit file as ATTACH names it; null for the audit store itself.</summary>
    private readonly string? _attach;

    /// <summary>
    /// A connection to this store's file. The portal store's connections have the audit file attached as
    /// <see cref="AuditFile.Schema"/>, with the views over both files (<see cref="AuditFile.CreateViews"/>).
    /// </summary>
    public SqliteConnection OpenConnection() => OpenConnection(attach: true);

    /// <summary>A connection to this store's file alone (no audit file attached): for its schema migrations, where a name
    /// the file does not have yet must not resolve to the attached file's table.</summary>
    internal SqliteConnection OpenConnection(bool attach)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // Memory-mapped reads share the operating system's page cache between the pooled connections
        // instead of copying every page into each connection's own small cache. 2 GiB is the most the bundled
        // SQLite maps (SQLITE_MAX_MMAP_SIZE); pages beyond it go through each connection's own cache.
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 2147418112;";
        pragma.ExecuteNonQuery();
        // A pooled connection keeps what it had attached, whichever way it was opened before: make it match.
        if (_attach is not null && IsAttached(connection) != attach)
        {
            if (attach)
            {
                pragma.CommandText = $"ATTACH DATABASE $file AS {AuditFile.Schema}; PRAGMA {AuditFile.Schema}.mmap_size = 2147418112;";
                pragma.Parameters.AddWithValue("$file", _attach);
            }
            else
                pragma.CommandText = $"DETACH DATABASE {AuditFile.Schema}";
            pragma.ExecuteNonQuery();
            if (attach && HasTables(connection))
                AuditFile.CreateViews(connection);
        }
        return connection;
    }

    private static bool IsAttached(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT 1 FROM pragma_database_list WHERE name = '{AuditFile.Schema}'";
        return command.ExecuteScalar() is not null;
    }

    /// <summary>True when the attached audit file has its tables (it is initialized before the portal file is used).</summary>
    private static bool HasTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {AuditFile.Schema}.sqlite_master WHERE type = 'table' AND name IN (SELECT value FROM json_each($names))";
        command.Parameters.AddWithValue("$names", System.Text.Json.JsonSerializer.Serialize(AuditFile.Tables));
        return (long)command.ExecuteScalar()! == AuditFile.Tables.Length;
    }

    public Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct = default)
        => OwnerOf(type) is var owner && owner != this
            ? owner.ReadAsync(type, id, ct)
            : Task.FromResult(WithReader(r => r.ReadCurrent(type, id)));

    public Task<StoredResource?> ReadVersionAsync(string type, string id, long version, CancellationToken ct = default)
        => OwnerOf(type) is var owner && owner != this
            ? owner.ReadVersionAsync(type, id, version, ct)
            : Task.FromResult(WithReader(r => r.ReadVersion(type, id, version)));

    /// <summary>
    /// The history of a type or resource from the file that holds it; the history of every type from both files,
    /// newest first by time (each file's page read in its own order, then merged).
    /// </summary>
    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default)
    {
        if (query.Type is { } type)
        {
            var owner = OwnerOf(type);
            return owner == this ? Task.FromResult(WithReader(r => r.History(query))) : owner.HistoryAsync(query, ct);
        }
        if (IsAudit)
            return Task.FromResult(WithReader(r => r.History(query)));
        // Each file's page is read in its own order (seq, newest first) and the two are merged by time; the cursor holds
        // each file's lowest seq shown (long.MaxValue: none shown yet), so no entry is skipped or shown twice.
        var portal = query.BeforeSeq == 0 ? new HistoryPage([], null, 0) : WithReader(r => r.History(query with { BeforeSeq = NullIfMax(query.BeforeSeq) }));
        var audit = query.BeforeAuditSeq == 0 ? new HistoryPage([], null, 0)
            : Audit.WithReader(r => r.History(query with { BeforeSeq = NullIfMax(query.BeforeAuditSeq) }));
        var merged = portal.Entries.Concat(audit.Entries)
            .OrderByDescending(e => e.LastUpdated).ThenByDescending(e => e.Seq).Take(query.Count).ToList();
        var shownPortal = merged.Count(e => !AuditFile.HoldsRow(e.Seq));
        var shownAudit = merged.Count - shownPortal;
        var portalLeft = shownPortal < portal.Entries.Count || portal.NextBeforeSeq is not null;
        var auditLeft = shownAudit < audit.Entries.Count || audit.NextBeforeSeq is not null;
        long? nextPortal = null, nextAudit = null;
        if (portalLeft || auditLeft)
        {
            nextPortal = !portalLeft ? 0 : shownPortal == 0 ? query.BeforeSeq ?? long.MaxValue : merged.Where(e => !AuditFile.HoldsRow(e.Seq)).Min(e => e.Seq);
            nextAudit = !auditLeft ? 0 : shownAudit == 0 ? query.BeforeAuditSeq ?? long.MaxValue : merged.Where(e => AuditFile.HoldsRow(e.Seq)).Min(e => e.Seq);
        }
        long? total = query.WithTotal ? (portal.Total ?? 0) + (audit.Total ?? 0) : null;
        return Task.FromResult(new HistoryPage(merged, nextPortal, total, nextAudit));
    }

    private static long? NullIfMax(long? seq) => seq == long.MaxValue ? null : seq;

    /// <summary>The store of the file that holds <paramref name="type"/>.</summary>
    private SqliteResourceStore OwnerOf(string type) => AuditFile.Holds(type) ? Audit : this;

    public IResourceStore StoreFor(string type) => OwnerOf(type);

    public Task<long> CountVersionsAsync(CancellationToken ct = default)
        => Task.FromResult(WithReader(r =>
        {
            using var cmd = r.Connection.CreateCommand();
            cmd.CommandText = IsAudit ? "SELECT COUNT(*) FROM resource_version" : "SELECT COUNT(*) FROM all_resource_version";
            return (long)cmd.ExecuteScalar()!;
        }));

    public Task<bool> IsReachableAsync(CancellationToken ct = default)
    {
        try
        {
            return Task.FromResult(WithReader(r =>
            {
                using var cmd = r.Connection.CreateCommand();
                cmd.CommandText = "SELECT 1";
                return Convert.ToInt64(cmd.ExecuteScalar()) == 1;
            }));
        }
        catch (SqliteException)
        {
            return Task.FromResult(false);
        }
    }

    public Task<T> WriteAsync<T>(Func<IWriteSession, T> work, CancellationToken ct = default)
    {
        var request = new WriteRequest<T>(work);
        if (!_queue.Writer.TryWrite(request))
            throw new ObjectDisposedException(nameof(SqliteResourceStore));
        return request.Completion.Task;
    }

    private T WithReader<T>(Func<ReaderSession, T> read)
    {
        if (!_readers.TryTake(out var session))
            session = new ReaderSession(OpenConnection());
        try
        {
            var result = read(session);
            _readers.Add(session);
            return result;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private async Task WriterLoop()
    {
        WriterSession? session = null;
        var batch = new List<IWriteRequest>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var request))
                batch.Add(request);
            if (batch.Count == 0)
                continue;
            try
            {
                // Without the audit file: BEGIN IMMEDIATE takes the write lock of every attached file, and the audit file's
                // writer must never wait for this one.
                session ??= new WriterSession(OpenConnection(attach: false), IsAudit);
                session.CommitBatch(batch);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Write batch of {Count} failed", batch.Count);
                foreach (var request in batch)
                    request.FailIfPending(ex);
                session?.Dispose();
                session = null;
            }
        }
        session?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        while (_readers.TryTake(out var reader))
            reader.Dispose();
    }

    private interface IWriteRequest
    {
        /// <summary>Runs the work; returns the exception it threw, if any.</summary>
        Exception? Run(IWriteSession session);

        void Complete();

        void FailIfPending(Exception ex);
    }

    private sealed class WriteRequest<T>(Func<IWriteSession, T> work) : IWriteRequest
    {
        // The unit runs on the writer's thread but in its caller's execution context, so what the caller's
        // flow carries (the HTTP request, who is writing) is visible to indexers inside the transaction.
        private readonly ExecutionContext? _context = ExecutionContext.Capture();
        private T? _result;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Run(IWriteSession session)
        {
            try
            {
                if (_context is null)
                    _result = work(session);
                else
                    ExecutionContext.Run(_context, static state =>
                    {
                        var (request, s) = ((WriteRequest<T>, IWriteSession))state!;
                        request._result = request.Work(s);
                    }, (this, session));
                _error = null;
            }
            catch (Exception ex)
            {
                _error = ex;
            }
            return _error;
        }

        private Func<IWriteSession, T> Work => work;

        public void Complete()
        {
            if (_error is not null)
                Completion.TrySetException(_error);
            else
                Completion.TrySetResult(_result!);
        }

        public void FailIfPending(Exception ex) => Completion.TrySetException(ex);
    }

    private static StoredResource ReadRow(SqliteDataReader reader, string type, string id) => new(
        type,
        id,
        reader.GetInt64(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        reader.GetInt64(1) != 0,
        reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3),
        reader.GetInt64(4),
        reader.GetString(5));

    private sealed class ReaderSession : IDisposable
    {
        private readonly SqliteCommand _current;
        private readonly SqliteCommand _version;

        public ReaderSession(SqliteConnection connection)
        {
            Connection = connection;
            _current = Prepare(connection, SelectCurrent, "$type", "$id");
            _version = Prepare(connection, SelectVersion, "$type", "$id", "$version");
        }

        public SqliteConnection Connection { get; }

        public StoredResource? ReadCurrent(string type, string id)
        {
            _current.Parameters[0].Value = type;
            _current.Parameters[1].Value = id;
            using var reader = _current.ExecuteReader();
            return reader.Read() ? ReadRow(reader, type, id) : null;
        }

        public StoredResource? ReadVersion(string type, string id, long version)
        {
            _version.Parameters[0].Value = type;
            _version.Parameters[1].Value = id;
            _version.Parameters[2].Value = version;
            using var reader = _version.ExecuteReader();
            return reader.Read() ? ReadRow(reader, type, id) : null;
        }

        public HistoryPage History(HistoryQuery query)
        {
            var where = new List<string>();
            using var cmd = Connection.CreateCommand();
            if (query.Type is not null)
            {
                where.Add("type = $type");
                cmd.Parameters.AddWithValue("$type", query.Type);
            }
            if (query.Id is not null)
            {
                where.Add("id = $id");
                cmd.Parameters.AddWithValue("$id", query.Id);
            }
            if (query.Since is { } since)
            {
                where.Add("last_updated >= $since");
                cmd.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
            }
            var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
            long? total = null;
            if (query.WithTotal)
            {
                cmd.CommandText = $"SELECT COUNT(*) FROM resource_version {filter}";
                total = (long)cmd.ExecuteScalar()!;
            }
            if (query.BeforeSeq is { } before)
            {
                filter += (filter.Length == 0 ? "WHERE " : " AND ") + "seq < $before";
                cmd.Parameters.AddWithValue("$before", before);
            }
            cmd.CommandText = $"""
                SELECT version, method = 'DELETE', last_updated, json, seq, method, type, id
                FROM resource_version {filter} ORDER BY seq DESC LIMIT $limit
                """;
            cmd.Parameters.AddWithValue("$limit", query.Count + 1);
            var entries = new List<StoredResource>(Math.Min(query.Count, 1000));
            long? next = null;
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                if (entries.Count == query.Count)
                {
                    next = entries[^1].Seq;
                    break;
                }
                entries.Add(ReadRow(reader, reader.GetString(6), reader.GetString(7)));
            }
            return new HistoryPage(entries, next, total);
        }

        public void Dispose() => Connection.Dispose();
    }

    private sealed class WriterSession : IWriteSession, IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _current;
        private readonly SqliteStatement _insertVersion;
        private readonly SqliteStatement _upsertResource;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _commit;
        private readonly SqliteCommand _rollback;
        private readonly SqliteCommand _savepoint;
        private readonly SqliteCommand _release;
        private readonly SqliteCommand _rollbackToSavepoint;

        /// <summary>True for the audit file's writer: only it writes the types that file holds.</summary>
        private readonly bool _audit;

        public WriterSession(SqliteConnection connection, bool audit)
        {
            _connection = connection;
            _audit = audit;
            using (var pragma = connection.CreateCommand())
            {
                // The one writer updates every index B-tree; 64 MiB keeps their inner pages cached as the data grows.
                // Checkpoint every 16,384 WAL pages (64 MiB) instead of SQLite's 1,000: a checkpoint writes each changed
                // page once and fsyncs, so under a steady stream of small commits (the access log) fewer, larger
                // checkpoints save most of the page writes and fsyncs.
                pragma.CommandText = "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384;";
                pragma.ExecuteNonQuery();
            }
            _current = Prepare(connection, SelectCurrent, "$type", "$id");
            _insertVersion = new SqliteStatement(connection, """
                INSERT INTO resource_version (type, id, version, last_updated, method, json)
                VALUES ($type, $id, $version, $lastUpdated, $method, $json) RETURNING seq
                """);
            _upsertResource = new SqliteStatement(connection, """
                INSERT INTO resource (type, id, version, current_seq, deleted)
                VALUES ($type, $id, $version, $seq, $deleted)
                ON CONFLICT (type, id) DO UPDATE SET
                    version = excluded.version, current_seq = excluded.current_seq, deleted = excluded.deleted
                """);
            _begin = Prepare(connection, "BEGIN IMMEDIATE");
            _commit = Prepare(connection, "COMMIT");
            _rollback = Prepare(connection, "ROLLBACK");
            _savepoint = Prepare(connection, "SAVEPOINT unit");
            _release = Prepare(connection, "RELEASE unit");
            _rollbackToSavepoint = Prepare(connection, "ROLLBACK TO unit");
        }

        public System.Data.Common.DbConnection Connection => _connection;

        public void CommitBatch(List<IWriteRequest> batch)
        {
            _begin.ExecuteNonQuery();
            try
            {
                if (batch.Count == 1)
                {
                    // A unit alone needs no savepoint: the transaction is its savepoint. (A savepoint makes SQLite
                    // copy every page the unit changes to a sub-journal first: for the access log's large units
                    // that cost more than writing them to the WAL; bench/RESULTS.md.)
                    if (batch[0].Run(this) is null)
                        _commit.ExecuteNonQuery();
                    else
                        _rollback.ExecuteNonQuery();
                    batch[0].Complete();
                    return;
                }
                foreach (var request in batch)
                {
                    _savepoint.ExecuteNonQuery();
                    if (request.Run(this) is null)
                    {
                        _release.ExecuteNonQuery();
                    }
                    else
                    {
                        _rollbackToSavepoint.ExecuteNonQuery();
                        _release.ExecuteNonQuery();
                    }
                }
                _commit.ExecuteNonQuery();
            }
            catch
            {
                try { _rollback.ExecuteNonQuery(); } catch (SqliteException) { }
                throw;
            }
            foreach (var request in batch)
                request.Complete();
        }

        public StoredResource? ReadCurrent(string type, string id)
        {
            _current.Parameters[0].Value = type;
            _current.Parameters[1].Value = id;
            using var reader = _current.ExecuteReader();
            return reader.Read() ? ReadRow(reader, type, id) : null;
        }

        public StoredResource Append(string type, string id, long version, DateTimeOffset lastUpdated, string method, byte[]? json)
        {
            if (AuditFile.Holds(type) != _audit)
                throw new InvalidOperationException($"{type} is written to the {(_audit ? "portal" : "audit")} file's store, not this one (see AuditFile)");
            // Parameters by position: $type, $id, $version, $lastUpdated, $method, $json.
            var seq = _insertVersion.Bind(1, type).Bind(2, id).Bind(3, version).Bind(4, lastUpdated.ToUnixTimeMilliseconds())
                .Bind(5, method).Bind(6, json).ExecuteInt64();
            var deleted = json is null;
            // $type, $id, $version, $seq, $deleted.
            _upsertResource.Bind(1, type).Bind(2, id).Bind(3, version).Bind(4, seq).Bind(5, deleted ? 1 : 0).Execute();
            return new StoredResource(type, id, version, lastUpdated, deleted, json, seq, method);
        }

        public void Dispose()
        {
            _insertVersion.Dispose();
            _upsertResource.Dispose();
            _connection.Dispose();
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
            command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }
}
