using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Fhir.Server.Features.Security;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Store.Sqlite;
using Identity.Access;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Identity.Audit;

/// <summary>
/// One access to patient data, as NEN 7513 wants it logged: who (user, role, organisation), on whose
/// behalf, which patients, what action, when, through which client. <see cref="Resources"/> are the
/// resources touched; a resource without known patients gets them from its JSON when the log writes.
/// </summary>
public sealed record AccessLogEntry(
    DateTimeOffset When,
    string Action,
    string Interaction,
    IReadOnlyCollection<string> Patients,
    IReadOnlyList<FhirAccessRecord> Resources,
    string Who,
    string? WhoReference,
    string? Role,
    string? Organization,
    string? OnBehalfOf,
    string? ClientId);

/// <summary>
/// The access log (NEN 7513): every allowed access to patient data ends up in a FHIR AuditEvent.
/// Requests only queue an entry; a background writer drains the queue, folds the entries of one drain
/// by requester (who, role, organisation, on whose behalf, client, action) into one AuditEvent per
/// requester with one entity per patient, per resource read or written and per search (at most
/// <see cref="MaxEntities"/>, with the period the accesses span), and writes them through a lean path:
/// the AuditEvents are generated here (<see cref="AuditEventDocument"/>), so they are not validated
/// again, and only the search parameters in <see cref="AuditEventDocument.IndexedParameters"/> are
/// indexed. The patient's own view
/// (<see cref="For"/>) reads the same AuditEvents through their entity index, so nothing is written twice.
/// Their reference rows (a different patient per entity, so a random place in the index each) wait in
/// <see cref="PendingReferences"/> and are merged into the index in key order every few seconds.
///
/// Durability: the writer commits to the <see cref="AccessLogJournal"/> (a small file of its own) as soon as entries are
/// queued, but under load at most once per <see cref="CommitInterval"/> (group commit). What a hard kill (-9, power
/// loss) loses is what was queued since the last journal commit: normally a few milliseconds of accesses, under load
/// at most about <see cref="CommitInterval"/> plus the write under way. The journal's AuditEvents go into the FHIR
/// store once per <see cref="IdentityServerOptions.AccessLogStoreSeconds"/>, <see cref="MaxEventsPerWrite"/> per write, into the
/// audit file (<see cref="AuditFile"/>), whose commits leave the portal file's searches alone; what a kill leaves in the
/// journal is stored at the next start, before requests are served. Stopping the host stores everything.
/// The queue holds at most <see cref="Capacity"/> entries; when the writer falls that far behind,
/// requests wait for it rather than go unlogged, which also bounds the loss window.
/// https://hl7.org/fhir/R4/auditevent.html
/// </summary>
public sealed class AccessLog(SqliteResourceStore portal, AccessLogJournal journal, PatientCompartment compartment, IServiceProvider services,
    IOptions<IdentityServerOptions> options, TimeProvider time, ILogger<AccessLog> logger)
    : BackgroundService
{
    public const int Capacity = 20_000;

    /// <summary>The store of the audit file, where the AuditEvents live (<see cref="AuditFile"/>).</summary>
    private readonly SqliteResourceStore store = portal.Audit;

    /// <summary>Most entries folded into one write (one store transaction).</summary>
    private const int DrainSize = 4096;

    /// <summary>Most entities (patients and resources) in one AuditEvent.</summary>
    public const int MaxEntities = 200;

    /// <summary>Least time between the starts of two drains while accesses keep coming (see the durability note above).</summary>
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(100);

    private readonly Channel<AccessLogEntry> _queue = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = false, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Held by whoever drains the queue into the journal.</summary>
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>
    /// Held by the store round. Not <see cref="_writer"/>: a store write waits behind the FHIR store's other writes, and
    /// the queue must keep draining meanwhile, or requests wait for a full queue (reads' p99 54 ms in bench/fhir/run.sh).
    /// </summary>
    private readonly SemaphoreSlim _storing = new(1, 1);

    /// <summary>Guards <see cref="_unstored"/> and the journal's connection (short, synchronous work only).</summary>
    private readonly Lock _gate = new();

    private long _waited;

    /// <summary>
    /// Most AuditEvents stored in one write (about 8,000 patients and resources). A second of a busy server's log in one
    /// write held a core long enough to double the reads' p99 (bench/fhir/run.sh: 10.5-21 ms against 7.9 ms); a round of
    /// more is stored in writes of this size with <see cref="StorePause"/> between them (p99 8.8 ms).
    /// </summary>
    public const int MaxEventsPerWrite = 40;

    /// <summary>Pause between the writes of one store round, so that requests run between them.</summary>
    public static readonly TimeSpan StorePause = TimeSpan.FromMilliseconds(10);

    /// <summary>AuditEvents in the journal that the FHIR store does not have yet, oldest first (under <see cref="_gate"/>).</summary>
    private readonly List<Prepared> _unstored = [];

    /// <summary>
    /// An AuditEvent waiting for the store. Its JSON is read back from the journal when it is stored (<paramref name="Json"/>
    /// is kept only when the journal could not take it), so a second of a busy log's JSON is not held in memory.
    /// </summary>
    /// <param name="Seq">The journal's sequence number; 0 when the journal could not take it.</param>
    private sealed record Prepared(string Id, DateTimeOffset LastUpdated, byte[]? Json, SearchIndexer.Rows Rows, long Seq);

    private TimeSpan StoreInterval => TimeSpan.FromSeconds(options.Value.AccessLogStoreSeconds);

    private SearchIndexer? Indexer => services.GetService<SearchIndexer>();

    /// <summary>How often a request had to wait because the queue was full (back-pressure), since start.</summary>
    public long WaitedForWriter => Interlocked.Read(ref _waited);

    public ValueTask RecordAsync(AccessLogEntry entry, CancellationToken ct = default)
    {
        if (_queue.Writer.TryWrite(entry))
            return ValueTask.CompletedTask;
        Interlocked.Increment(ref _waited);
        return _queue.Writer.WriteAsync(entry, ct);
    }

    /// <summary>
    /// Writes everything queued so far, stores it in the FHIR store, waits for a write already under way and merges the
    /// AuditEvents' waiting index rows (<see cref="PendingReferences"/>), so that <see cref="For"/> and searches see every
    /// access (tests and the patient's view call this).
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        await DrainAsync(ct);
        await StoreAsync(paced: false, ct);
        if (services.GetService<PendingReferences>() is { } pending)
            await pending.SettleAsync(ct);
    }

    /// <summary>Writes everything queued so far to the journal, and waits for a write already under way.</summary>
    private async Task DrainAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            var batch = new List<AccessLogEntry>();
            while (_queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
                if (batch.Count == DrainSize)
                {
                    Journal(batch);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
                Journal(batch);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Stores what waits in the journal in the FHIR store, at most <see cref="MaxEventsPerWrite"/> AuditEvents per write
    /// (with <see cref="StorePause"/> between writes when <paramref name="paced"/>), and forgets each write's events in the
    /// journal once the store has committed them. When the store refuses, the AuditEvents stay in the journal and in
    /// memory, and the next round tries again.
    /// </summary>
    private async Task StoreAsync(bool paced, CancellationToken ct)
    {
        await _storing.WaitAsync(ct);
        try
        {
            while (true)
            {
                List<Prepared> events;
                Dictionary<long, byte[]> json;
                lock (_gate)
                {
                    if (_unstored.Count == 0)
                        return;
                    events = _unstored.GetRange(0, Math.Min(MaxEventsPerWrite, _unstored.Count));
                    var journaled = events.Where(e => e.Seq > 0).ToList();
                    json = journaled.Count == 0 ? [] : journal.Read(journaled[0].Seq, journaled[^1].Seq);
                }
                var indexer = Indexer;
                try
                {
                    await store.WriteAsync(session =>
                    {
                        var connection = (SqliteConnection)session.Connection;
                        foreach (var e in events)
                        {
                            var stored = session.Append("AuditEvent", e.Id, 1, e.LastUpdated, "POST", e.Json ?? json[e.Seq]);
                            indexer?.Write(connection, "AuditEvent", e.Id, stored.Seq, e.LastUpdated.ToUnixTimeMilliseconds(), e.Rows, replace: false);
                        }
                        return 0;
                    }, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "Could not store {Count} access log events; they stay in the journal and are stored in the next round", events.Count);
                    return;
                }
                lock (_gate)
                {
                    // Only this round takes events off the front; the drain appends at the end.
                    _unstored.RemoveRange(0, events.Count);
                    if (events.Max(e => e.Seq) is var upTo and > 0)
                    {
                        try
                        {
                            journal.RemoveUpTo(upTo);
                        }
                        catch (Exception ex)
                        {
                            // Harmless: the next start finds them in the store already and skips them.
                            logger.LogError(ex, "Could not remove stored access log events from the journal");
                        }
                    }
                    if (_unstored.Count == 0)
                        return;
                }
                if (paced)
                    await Task.Delay(StorePause, ct);
            }
        }
        finally
        {
            _storing.Release();
        }
    }

    /// <summary>
    /// Stores what a previous run left in the journal (a hard kill between a journal commit and the store's): runs
    /// before the host serves requests. AuditEvents the store has already are skipped; the rest are indexed by the
    /// server's indexer from their JSON, which gives the rows <see cref="AuditEventDocument.IndexRows"/> would.
    /// </summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        var left = journal.ReadAll();
        if (left.Count == 0)
            return;
        var indexer = Indexer;
        var recovered = await store.WriteAsync(session =>
        {
            var connection = (SqliteConnection)session.Connection;
            var count = 0;
            foreach (var e in left)
            {
                if (session.ReadCurrent("AuditEvent", e.Id) is not null)
                    continue;
                var stored = session.Append("AuditEvent", e.Id, 1, DateTimeOffset.FromUnixTimeMilliseconds(e.LastUpdated), "POST", e.Json);
                if (indexer is not null)
                {
                    using var document = JsonDocument.Parse(e.Json);
                    indexer.Write(connection, "AuditEvent", e.Id, stored.Seq, e.LastUpdated, indexer.Extract("AuditEvent", document.RootElement), replace: false);
                }
                count++;
            }
            return count;
        }, ct);
        journal.RemoveUpTo(left[^1].Seq);
        logger.LogWarning("Stored {Count} access log events that the previous run had written to the journal only ({Skipped} were stored already)",
            recovered, left.Count - recovered);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RecoverAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(JournalLoopAsync(stoppingToken), StoreLoopAsync(stoppingToken));

    private async Task JournalLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            var lastDrain = 0L;
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Idle: write at once. Busy: let accesses gather until the interval since the last drain has
                // passed (or a full drain is waiting), so that one commit carries them all.
                var wait = CommitInterval - Stopwatch.GetElapsedTime(lastDrain);
                if (lastDrain != 0 && wait > TimeSpan.Zero && _queue.Reader.Count < DrainSize)
                {
                    try
                    {
                        await Task.Delay(wait, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopping: StopAsync flushes what is queued.
                        return;
                    }
                }
                lastDrain = Stopwatch.GetTimestamp();
                await DrainAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task StoreLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(StoreInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await StoreAsync(paced: true, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Only the queue and the journal: index rows that still wait are in the database already and merge after the next start.
        await DrainAsync(CancellationToken.None);
        await StoreAsync(paced: false, CancellationToken.None);
    }

    /// <summary>Folds a drain into AuditEvents and commits them to the journal; they wait in memory for the next store round.</summary>
    private void Journal(List<AccessLogEntry> batch)
    {
        List<AuditEventDocument.Access> events;
        try
        {
            events = Aggregate(batch);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not prepare {Count} access log entries", batch.Count);
            return;
        }
        if (events.Count == 0)
            return;
        var lastUpdated = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var documents = events.Select(e =>
        {
            var id = Fhir.Server.Features.Resources.ResourceService.NewId();
            return (Id: id, Json: AuditEventDocument.Write(e, id, lastUpdated), Rows: AuditEventDocument.IndexRows(e));
        }).ToList();
        lock (_gate)
        {
            long last = 0;
            try
            {
                last = journal.Append(documents.Select(d => (d.Id, lastUpdated.ToUnixTimeMilliseconds(), d.Json)));
            }
            catch (Exception ex)
            {
                // Still stored with the next round; only a hard kill before it would lose them.
                logger.LogError(ex, "Could not write {Count} access log events to the journal", documents.Count);
            }
            // One transaction of the only writer numbers them one after another.
            _unstored.AddRange(documents.Select((d, i) => last == 0
                ? new Prepared(d.Id, lastUpdated, d.Json, d.Rows, 0)
                : new Prepared(d.Id, lastUpdated, null, d.Rows, last - documents.Count + 1 + i)));
        }
    }

    /// <summary>Folds the entries by requester and action into AuditEvents of at most <see cref="MaxEntities"/> entities.</summary>
    internal List<AuditEventDocument.Access> Aggregate(List<AccessLogEntry> batch)
    {
        var open = new Dictionary<AuditEventDocument.Requester, AuditEventDocument.Access>();
        var done = new List<AuditEventDocument.Access>();
        foreach (var entry in batch)
        {
            var key = new AuditEventDocument.Requester(entry.Action, entry.Interaction, entry.Who, entry.WhoReference, entry.Role,
                entry.Organization, entry.OnBehalfOf, entry.ClientId);
            if (!open.TryGetValue(key, out var access))
            {
                access = new AuditEventDocument.Access(key, entry.When);
                open[key] = access;
                done.Add(access);
            }
            foreach (var patient in entry.Patients)
                access = Add(open, done, key, access, entry.When, patient, null);
            foreach (var resource in entry.Resources)
            {
                // A search's results are logged as the search and the patients it reached (IHE BALP's Query pattern):
                // the resources themselves follow from the search, and listing each would make the log several
                // times larger than the patients it names.
                var reference = resource.Query is null ? resource.Type + "/" + resource.Id : null;
                foreach (var patient in PatientsOf(resource))
                    access = Add(open, done, key, access, entry.When, patient, reference, resource.Query);
            }
        }
        return done.Where(a => a.Patients.Count > 0).ToList();
    }

    /// <summary>Adds a patient with the resource or search it was reached through; an event that is full is continued in a new one.</summary>
    private static AuditEventDocument.Access Add(Dictionary<AuditEventDocument.Requester, AuditEventDocument.Access> open,
        List<AuditEventDocument.Access> done, AuditEventDocument.Requester key, AuditEventDocument.Access access,
        DateTimeOffset when, string patient, string? reference, string? query = null)
    {
        var needed = (access.Patients.ContainsKey(patient) ? 0 : 1)
            + (reference is null || access.Resources.Contains(reference) ? 0 : 1)
            + (query is null || access.Queries.Contains(query) ? 0 : 1);
        if (needed > 0 && access.EntityCount + needed > MaxEntities)
        {
            access = new AuditEventDocument.Access(key, when);
            open[key] = access;
            done.Add(access);
        }
        access.Add(when, patient, reference);
        if (query is not null)
            access.AddQuery(query);
        return access;
    }

    private IReadOnlyCollection<string> PatientsOf(FhirAccessRecord resource)
    {
        if (resource.Patients is { } known)
            return known;
        if (resource.Type == "Patient")
            return [resource.Id];
        if (resource.Json.IsEmpty)
            return [];
        using var document = JsonDocument.Parse(resource.Json);
        return compartment.PatientsOf(resource.Type, document.RootElement);
    }

    /// <summary>
    /// Who accessed a patient's record, newest first (for the patient's own "wie heeft mijn dossier bekeken"):
    /// the access log's AuditEvents that name the patient as an entity, found through the AuditEvent
    /// entity index, with the time the AuditEvent recorded (the last access it covers).
    /// </summary>
    public IReadOnlyList<(string AuditId, DateTimeOffset When, string Who, string Action)> For(string patientId, int limit = 200)
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.id, v.json
            FROM ix_reference x
            JOIN search_resource r ON r.rid = x.rid
            JOIN resource_version v ON v.seq = r.seq
            WHERE x.pid = $pid AND x.ref_id = $p AND x.ref_type = 'Patient' AND r.type = 'AuditEvent'
            ORDER BY x.rid DESC LIMIT $n
            """;
        command.Parameters.AddWithValue("$pid", EntityParam);
        command.Parameters.AddWithValue("$p", patientId);
        command.Parameters.AddWithValue("$n", limit);
        using var reader = command.ExecuteReader();
        var entries = new List<(string AuditId, DateTimeOffset When, string Who, string Action)>();
        while (reader.Read())
            entries.Add(Summary(reader.GetString(0), (byte[])reader.GetValue(1)));
        return entries;
    }

    private static readonly long EntityParam = ParamKey.For("AuditEvent", "entity");

    private static (string AuditId, DateTimeOffset When, string Who, string Action) Summary(string id, byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var when = root.TryGetProperty("recorded", out var recorded) && recorded.TryGetDateTimeOffset(out var at) ? at : DateTimeOffset.MinValue;
        var who = "?";
        if (root.TryGetProperty("agent", out var agents))
        {
            foreach (var agent in agents.EnumerateArray())
            {
                if (agent.TryGetProperty("requestor", out var requestor) && requestor.ValueKind == JsonValueKind.True && agent.TryGetProperty("altId", out var altId))
                {
                    who = altId.GetString() ?? who;
                    break;
                }
            }
        }
        var action = root.TryGetProperty("subtype", out var subtypes) && subtypes.GetArrayLength() > 0 && subtypes[0].TryGetProperty("code", out var code)
            ? code.GetString() ?? "" : "";
        return (id, when, who, action);
    }
}
