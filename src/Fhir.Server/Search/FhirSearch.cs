using System.Collections.Concurrent;
using System.Text;
using Fhir.Server.Definitions;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Security;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Parsing;
using Fhir.Server.Search.Query;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Fhir.Server.Search;

/// <summary>
/// Whose data a caller may find (from the access policy): with <see cref="PatientIds"/> only resources in
/// those patients' compartments; with <see cref="OrganizationId"/> only patient data of patients managed by
/// that organisation (other types stay open); with neither, everything.
/// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
/// </summary>
public sealed record SearchRestriction(IReadOnlyCollection<string>? PatientIds, string? OrganizationId = null)
{
    public static readonly SearchRestriction None = new(null, null);

    public bool IsNone => PatientIds is null && OrganizationId is null;
}

/// <summary>
/// One search as the REST layer asks it: type (null for a system search), arguments, where links
/// point, strict or lenient handling, an optional compartment (<c>Patient/{id}/{type}</c>) and the
/// caller's restriction.
/// </summary>
public sealed record SearchInput(
    string? Type,
    IReadOnlyList<SearchArgument> Arguments,
    string BaseUrl,
    string Path,
    bool Strict = false,
    (string Type, string Id)? Compartment = null,
    SearchRestriction? Restriction = null);

/// <summary>
/// Search: https://hl7.org/fhir/R4/search.html on the SQLite search index, and the
/// <see cref="IFhirSearch"/> seam for conditional interactions and bundles.
/// </summary>
public sealed class FhirSearch(
    SqliteResourceStore store,
    SearchParameterRegistry registry,
    PendingReferences pending,
    SearchExecutor executor,
    SearchBundleWriter writer,
    FhirDefinitions definitions,
    IOptions<FhirServerOptions> options,
    TimeProvider clock) : IFhirSearch, IDisposable
{
    /// <summary>
    /// The idle search connections, newest on top: a lock-free stack (a ConcurrentBag's take and put lock when
    /// its per-thread lists hold one item, which with 16 clients was 6% of a search's time in contention), and
    /// last in, first out keeps the connections in use few, so fewer of them re-map and re-fault their pages
    /// after each commit of another connection (SQLite drops a reader's cache and memory map when the WAL changed).
    /// </summary>
    private readonly ConcurrentStack<SqliteConnection> _readers = new();

    /// <summary>Page cache of each pooled search connection, in KiB (filled only as pages are read).</summary>
    private const int SearchCacheKiB = 16_384;

    public IReadOnlyList<string> FindIds(IWriteSession? session, string type, string query, int limit)
    {
        EnsureType(type);
        var request = SearchRequest.Parse(SearchRequest.ParseQuery(query), strict: true, limit, int.MaxValue);
        var builder = new ConditionBuilder(registry, options.Value.BaseUrl, clock);
        var conditions = builder.Build([type], request);
        var settle = ReadsPending(builder, request);
        // A search that reads the audit file's rows runs on a search connection: the portal writer's connection does not
        // have that file attached (see SqliteResourceStore's writer loop), and AuditEvents are never written in its sessions.
        if (settle)
            pending.SettleAsync().GetAwaiter().GetResult();
        else if (session is not null)
            return executor.FindIds((SqliteConnection)session.Connection, [type], conditions, limit);
        return WithReader(c => executor.FindIds(c, [type], conditions, limit));
    }

    /// <summary>EXPLAIN QUERY PLAN of the first page of <c>GET [type]?[query]</c>.</summary>
    public List<string> Explain(string type, string query)
    {
        EnsureType(type);
        var o = options.Value;
        var request = SearchRequest.Parse(SearchRequest.ParseQuery(query), strict: true, o.DefaultPageSize, o.MaxPageSize);
        var conditions = new ConditionBuilder(registry, options.Value.BaseUrl, clock).Build([type], request);
        return WithReader(c => executor.ExplainFirstPage(c, [type], conditions, request));
    }

    public Task<byte[]> SearchBundleAsync(string? type, string query, string baseUrl, CancellationToken ct) =>
        SearchBundleAsync(type, query, baseUrl, null, ct);

    public Task<byte[]> SearchBundleAsync(string? type, string query, string baseUrl, FhirAccessJournal? access, CancellationToken ct) =>
        Task.FromResult(Search(new SearchInput(type, SearchRequest.ParseQuery(query), baseUrl, baseUrl + (type is null ? "" : "/" + type)), access));

    /// <summary>
    /// Runs a search and renders its searchset Bundle. With <paramref name="access"/>, every match and
    /// include is recorded with its patients for the access log (NEN 7513).
    /// </summary>
    public byte[] Search(SearchInput input, FhirAccessJournal? access = null)
    {
        if (input.Type is not null)
            EnsureType(input.Type);
        var o = options.Value;
        var request = SearchRequest.Parse(input.Arguments, input.Strict, o.DefaultPageSize, o.MaxPageSize);
        var rows = SearchExecutor.RowsOf(request);
        IReadOnlyList<string>? types = input.Type is not null ? [input.Type] : request.Types;
        if (types is not null)
        {
            foreach (var t in types)
                EnsureType(t);
        }
        var builder = new ConditionBuilder(registry, input.BaseUrl, clock);
        Func<string, Condition?>? restriction = input.Restriction is { IsNone: false } r
            ? t => builder.Restriction(t, r)
            : null;
        builder.Restrict = restriction;
        var conditions = builder.Build(types ?? [.. definitions.ResourceTypes.Order(StringComparer.Ordinal)], request);
        if (input.Compartment is { } compartment)
        {
            if (compartment.Type != "Patient")
                throw new FhirException(404, IssueCodes.NotSupported, $"Only the Patient compartment is supported, not {compartment.Type}");
            var inCompartment = builder.PatientCompartment(input.Type!, [compartment.Id]);
            conditions.Add(rows == RowKinds.Resources
                ? inCompartment
                : ByRow(inCompartment, builder.ContainedRestriction(new SearchRestriction([compartment.Id])), rows));
        }
        if (restriction is not null)
        {
            if (types is null)
                throw new FhirException(403, IssueCodes.Forbidden, "A system-wide search needs _type when access is limited to a patient's record");
            var perType = types.Select(t => (Type: t, Condition: restriction(t))).ToList();
            var allowed = new RowCondition((a, p) => "(" + string.Join(" OR ", perType.Select(x =>
                $"({a}.type = {p.Add(x.Type)} AND {x.Condition?.Test(a, p) ?? "1"})")) + ")");
            conditions.Add(rows == RowKinds.Resources ? allowed : ByRow(allowed, builder.ContainedRestriction(input.Restriction!), rows));
        }
        // Containers are the matches: one per container, however many of its resources match.
        var asContainers = rows != RowKinds.Resources && request.ContainedType == "container";
        if (asContainers)
            conditions.Add(new FirstInContainerCondition(types, [.. conditions]));

        if (ReadsPending(builder, request))
            pending.SettleAsync().GetAwaiter().GetResult();
        var self = input.Path + (input.Arguments.Count == 0 ? "" : "?" + Query(input.Arguments));
        var page = WithReader(c =>
        {
            var result = executor.Execute(c, types, conditions, request, restriction);
            var hits = result.Matches.Concat(result.Included).ToList();
            var patients = executor.Load(c, hits, withPatients: access is not null);
            if (access is not null)
                Record(access, hits, patients, self);
            if (!asContainers)
                return result;
            // A _revinclude of what refers to a contained match finds its container, which is a match already.
            var containers = Containers(result.Matches);
            var matched = containers.Select(h => (h.Type, h.Id)).ToHashSet();
            return result with { Matches = containers, Included = [.. result.Included.Where(h => !matched.Contains((h.Type, h.Id)))] };
        });
        var query = Query(request.Arguments);
        var links = new SearchBundleWriter.Links(
            Self: self,
            Next: page.NextCursor is null ? null : input.Path + "?" + Append(query, "_cursor=" + page.NextCursor),
            Previous: page.PreviousCursor is null ? null : input.Path + "?" + Append(query, "_cursor=" + page.PreviousCursor),
            First: input.Path + (query.Length == 0 ? "" : "?" + query));
        return writer.Write(page, request, input.BaseUrl, links);
    }

    /// <summary>
    /// True when the search reads reference rows that may still wait in <see cref="PendingReferences"/>: it
    /// searches, chains to or has a pending type, or includes from or to one (whose patients the access log reads).
    /// </summary>
    private bool ReadsPending(ConditionBuilder builder, SearchRequest request) =>
        builder.TypesRead.Overlaps(PendingReferences.Types)
        || request.Includes.Any(i => PendingReferences.Types.Contains(i.SourceType)
            || (i.TargetType is { } target
                ? PendingReferences.Types.Contains(target)
                : registry.Find(i.SourceType, i.Param)?.Target.Any(PendingReferences.Types.Contains) == true));

    /// <summary>The condition for a search's rows of resources and of contained resources, as <paramref name="rows"/> asks.</summary>
    private static Condition ByRow(Condition resources, Condition contained, RowKinds rows) => rows switch
    {
        RowKinds.Contained => contained,
        _ => new RowCondition((a, p) => $"(({a}.alive = 1 AND {resources.Test(a, p)}) OR ({a}.alive = {SearchIndexer.ContainedRow} AND {contained.Test(a, p)}))"),
    };

    /// <summary>
    /// The matches with each contained resource replaced by its container (its row has the container's JSON), each
    /// container once: a resource that matched itself is also the container of a match only when it contains its own type.
    /// </summary>
    private static List<SearchHit> Containers(IReadOnlyList<SearchHit> matches)
    {
        var seen = new HashSet<(string, string)>();
        var containers = new List<SearchHit>(matches.Count);
        foreach (var hit in matches)
        {
            var container = SearchIndexer.ContainerOf(hit.Id) is var (type, id, _) ? new SearchHit(hit.Rid, type, id) { Json = hit.Json } : hit;
            if (seen.Add((container.Type, container.Id)))
                containers.Add(container);
        }
        return containers;
    }

    /// <summary>
    /// Hands every hit that is in a patient's compartment to the access log, with its patients and the search
    /// that found it (<paramref name="query"/>, the request as understood: the Bundle's self link).
    /// </summary>
    private static void Record(FhirAccessJournal access, List<SearchHit> hits, Dictionary<long, List<string>> patients, string query)
    {
        foreach (var hit in hits)
        {
            if (!patients.TryGetValue(hit.Rid, out var own))
                continue;
            // What was read of a contained resource is its container.
            var (type, id) = SearchIndexer.ContainerOf(hit.Id) is var (containerType, containerId, _) ? (containerType, containerId) : (hit.Type, hit.Id);
            access.Add(new FhirAccessRecord(FhirInteraction.Search, type, id, own, Query: query));
        }
    }

    private static string Append(string query, string part) => query.Length == 0 ? part : query + "&" + part;

    private static string Query(IEnumerable<SearchArgument> arguments)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in arguments)
        {
            if (sb.Length > 0)
                sb.Append('&');
            sb.Append(Escape(name)).Append('=').Append(Escape(value));
        }
        return sb.ToString();
    }

    private static string Escape(string s) => Uri.EscapeDataString(s)
        .Replace("%3A", ":", StringComparison.Ordinal).Replace("%7C", "|", StringComparison.Ordinal)
        .Replace("%2C", ",", StringComparison.Ordinal).Replace("%2F", "/", StringComparison.Ordinal);

    private void EnsureType(string type)
    {
        if (!definitions.IsResourceType(type))
            throw FhirException.UnknownType(type);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a pooled connection (which keeps its prepared statements) inside one
    /// read transaction: the probes, the page, the includes and the JSON come from one snapshot, and SQLite
    /// takes its WAL read lock once per search instead of once per statement.
    /// </summary>
    private T WithReader<T>(Func<SqliteConnection, T> read)
    {
        if (!_readers.TryPop(out var connection))
        {
            connection = store.OpenConnection();
            SearchExecutor.CacheStatements(connection);
            // A database larger than the memory map (about 2.6 KB per resource: 8 GB at 100,000 patients) is read
            // through this cache; SQLite's default of 2 MiB re-reads an index's upper levels on every search.
            Execute(connection, $"PRAGMA cache_size = -{SearchCacheKiB}");
        }
        try
        {
            Execute(connection, "BEGIN");
            T result;
            try
            {
                result = read(connection);
            }
            finally
            {
                Execute(connection, "COMMIT");
            }
            _readers.Push(connection);
            return result;
        }
        catch (FhirException)
        {
            _readers.Push(connection);
            throw;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = SearchExecutor.Command(connection, sql, new SqlParams());
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        while (_readers.TryPop(out var connection))
            connection.Dispose();
    }
}
