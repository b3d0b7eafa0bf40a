using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Parsing;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Fhir.Server.Search.Query;

/// <summary>A resource found by a search, with the JSON of its current version once loaded.</summary>
public sealed record SearchHit(long Rid, string Type, string Id)
{
    public byte[]? Json { get; set; }
}

/// <summary>One page of matches, the cursors to the pages around it, and includes.</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Matches, IReadOnlyList<SearchHit> Included, long? Total, string? NextCursor, string? PreviousCursor);

/// <summary>How a page sorted by a date is read: as the executor chooses, or one plan forced (for tests).</summary>
internal enum SortPlan
{
    Chosen,

    /// <summary>Walk the date index of the first sort key in its order, testing each resource.</summary>
    WalkSortIndex,

    /// <summary>Take the driver set (or every resource of the type) and sort it.</summary>
    SortDriverSet,
}

/// <summary>
/// Runs a search on one connection: the matching page in sort order, paged by keyset (the cursor holds
/// the sort values and rid of the last row, so pages stay stable while data changes), the total and
/// the _include/_revinclude resources. https://hl7.org/fhir/R4/search.html#return
/// </summary>
public sealed class SearchExecutor(SearchParameterRegistry registry)
{
    private const int MaxIncludeRounds = 4;
    private const int MaxIncluded = 2000;

    /// <summary>
    /// A sort key; <see cref="DatePids"/> is set for a date parameter, whose index can drive the page in sort order.
    /// <see cref="OneValue"/>: every resource searched has at most one value of it (<see cref="SearchParameterRegistry.HasOneValue"/>),
    /// so a walked row of its index is the resource's sort value without looking.
    /// </summary>
    private sealed record SortColumn(string Expression, bool Descending, bool Numeric, string? DatePids = null, string? Code = null, bool OneValue = false);

    /// <summary>
    /// The rows a date-ordered walk reads (alias <c>d</c>, with <c>low</c>, <c>high</c> and <c>rid</c>): the date index of
    /// the first sort key, or one reference's rows of a <see cref="ReferenceDateCondition"/>. <see cref="Tie"/> keeps
    /// one row per resource among those with its sort value. <see cref="OneRange"/>: the rows are one range of the index's
    /// key, so their first rows in date order are read without sorting. <see cref="Pair"/>: one reference's rows of
    /// ix_reference_date. <see cref="Resources"/> and <see cref="DateTable"/>: the resources' table and the date index
    /// of the types searched (<see cref="AuditFile.Table(string, IEnumerable{string})"/>).
    /// </summary>
    private sealed record WalkSource(string Table, Func<string, SqlParams, string> Where, string Tie, bool OneRange, bool Pair, string Resources, string DateTable)
    {
        public static WalkSource Dates(string datePids, IReadOnlyList<string>? types)
        {
            var dates = AuditFile.Table("ix_date", types);
            return new(dates, (d, _) => $"{d}.pid IN ({datePids})",
                $"NOT EXISTS (SELECT 1 FROM {dates} d3 WHERE d3.rid = a.rid AND d3.pid IN ({datePids}) AND d3.low = d.low AND (d3.high < d.high OR (d3.high = d.high AND d3.pid < d.pid)))",
                OneRange: !datePids.Contains(','), Pair: false, AuditFile.Table("search_resource", types), dates);
        }

        public static WalkSource Reference(ReferenceDateCondition c)
        {
            var rows = AuditFile.Table("ix_reference_date", c.Pair.Type);
            return new(rows, c.WalkWhere,
                $"NOT EXISTS (SELECT 1 FROM {rows} d3 WHERE d3.pid = d.pid AND d3.ref_id = d.ref_id AND d3.ref_type = d.ref_type " +
                "AND d3.low = d.low AND d3.high < d.high AND d3.rid = a.rid)", OneRange: true, Pair: true,
                AuditFile.Table("search_resource", c.Pair.Type), AuditFile.Table("ix_date", c.Pair.Type));
        }
    }

    /// <summary>_total=estimate counts up to ten times this many; beyond it the Bundle carries no total (https://hl7.org/fhir/R4/search.html#total).</summary>
    private const int DefaultTotalCap = 1000;

    /// <summary>Ids of resources meeting the conditions, in rid order, at most <paramref name="limit"/>.</summary>
    public List<string> FindIds(SqliteConnection connection, IReadOnlyList<string> types, IReadOnlyList<Condition> conditions, int limit)
    {
        var p = new SqlParams();
        var sql = $"SELECT a.id FROM {AuditFile.Table("search_resource", types)} a WHERE {WhereWithProbe(connection, types, conditions, p)} ORDER BY a.rid LIMIT {limit}";
        using var cmd = Command(connection, sql, p);
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
            ids.Add(reader.GetString(0));
        return ids;
    }

    public SearchPage Execute(SqliteConnection connection, IReadOnlyList<string>? types, IReadOnlyList<Condition> conditions,
        SearchRequest request, Func<string, Condition?>? restriction) =>
        Execute(connection, types, conditions, request, restriction, SortPlan.Chosen);

    /// <summary>As the public overload, with the plan of a date-sorted page forced (tests prove both plans give the same pages).</summary>
    internal SearchPage Execute(SqliteConnection connection, IReadOnlyList<string>? types, IReadOnlyList<Condition> conditions,
        SearchRequest request, Func<string, Condition?>? restriction, SortPlan plan)
    {
        var count = request.Count ?? 50;
        var sort = SortColumns(types, request);
        var (backward, after) = DecodeCursor(request.Cursor, sort.Count);
        var kinds = RowsOf(request);
        var filterParams = new SqlParams();
        // A page that one reference's pair rows can be walked for is most likely read that way: its driver is only probed
        // for small sets (which are cheaper sorted), not counted further.
        var where = WhereWithProbe(connection, types, conditions, filterParams, smallSetsOnly: !backward && plan == SortPlan.Chosen && PairFor(conditions, sort) is not null,
            kinds);

        long? total = null;
        // By default the total comes free with a single page; counting a large result costs more than the page.
        var wantTotal = request.Summary == SummaryMode.Count || request.Total is TotalMode.Accurate or TotalMode.Estimate || count == 0;
        var matches = new List<SearchHit>();
        string? next = null, previous = null;
        if (count > 0 && request.Summary != SummaryMode.Count)
        {
            List<(SearchHit Hit, object[] Keys)>? rows = null;
            if (!backward && SortWalk(types, conditions, sort, plan, kinds) is { } walk)
            {
                // Walk rows in sort order and stop after one page, instead of sorting every candidate.
                rows = WalkPage(connection, walk, sort, filterParams, after, count);
                if (rows?.Count <= count)
                    rows = null; // the end of the values: resources without one come after, so let the general query finish
            }
            if (rows is null)
            {
                var (sql, p) = PageQuery(types, sort, where, filterParams, after, backward, count);
                rows = ReadRows(connection, sql, p, sort.Count);
            }
            var more = rows.Count > count;
            if (more)
                rows.RemoveAt(rows.Count - 1);
            if (backward)
                rows.Reverse();
            matches.AddRange(rows.Select(r => r.Hit));
            if (rows.Count > 0)
            {
                if (backward ? true : more)
                    next = EncodeCursor(false, rows[^1].Hit.Rid, rows[^1].Keys);
                if (backward ? more : after is not null)
                    previous = EncodeCursor(true, rows[0].Hit.Rid, rows[0].Keys);
            }
            if (request.Cursor is null && !more && request.Total != TotalMode.None)
            {
                total = rows.Count;
                wantTotal = false;
            }
        }
        if (wantTotal && request.Total != TotalMode.None || request.Summary == SummaryMode.Count)
        {
            var exact = request.Total != TotalMode.Estimate;
            var cap = request.Total == TotalMode.Estimate ? 10 * DefaultTotalCap : DefaultTotalCap;
            var resources = AuditFile.Table("search_resource", types);
            var sql = exact
                ? $"SELECT COUNT(*) FROM {resources} a WHERE {where}"
                : $"SELECT COUNT(*) FROM (SELECT 1 FROM {resources} a WHERE {where} LIMIT {cap + 1})";
            using var cmd = Command(connection, sql, filterParams);
            total = (long)cmd.ExecuteScalar()!;
            if (!exact && total > cap)
                total = null;
        }
        var included = Includes(connection, matches, request, restriction);
        return new SearchPage(matches, included, total, next, previous);
    }

    private static List<(SearchHit Hit, object[] Keys)> ReadRows(SqliteConnection connection, string sql, SqlParams p, int keys)
    {
        var rows = new List<(SearchHit Hit, object[] Keys)>();
        using var cmd = Command(connection, sql, p);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var keyValues = new object[keys];
            for (var k = 0; k < keys; k++)
                keyValues[k] = reader.GetValue(3 + k);
            rows.Add((new SearchHit(reader.GetInt64(0), reader.GetString(2), reader.GetString(1)), keyValues));
        }
        return rows;
    }

    /// <summary>How many rows the trial walk of <see cref="WalkPage"/> reads.</summary>
    public const int TrialWalkRows = 256;

    /// <summary>
    /// What one row of the sort-index walk costs against one row of the driver set. The walk visits resources in
    /// date order, so each look-up lands on another page; the driver set comes in rid order, whose look-ups share
    /// pages. Measured with sqlite3 on the bench's e-consults (a GP's 8,000 messages; CPU per row, user + sys):
    /// 4.3 against 1.7 µs at 10,000 patients (800 MiB), 7.6 against 2.0 µs at 100,000 (7.9 GiB, beyond the
    /// memory map, where the walk's page reads are system calls).
    /// </summary>
    private const int WalkRowCost = 4;

    /// <summary>
    /// A walk in date order for the page: its rows, the conditions as tests on each, and whether it is tried against
    /// the driver set (<see cref="WalkPage"/>) or taken as it is (no driver, or forced).
    /// </summary>
    private sealed record WalkPlan(WalkSource Source, string Filter, SqlParams Params, bool Trial, string? DriverSet, long? DriverCount);

    /// <summary>
    /// Whether a page sorted by a date may be read by walking rows in date order: one reference's rows when the search
    /// has a reference indexed with the sort date (<see cref="ReferenceDateCondition"/>: a GP's messages), otherwise the
    /// date index of every resource. Null when the page is sorted otherwise, or the sort of the driver set is forced.
    /// </summary>
    private static WalkPlan? SortWalk(IReadOnlyList<string>? types, IReadOnlyList<Condition> conditions, List<SortColumn> sort, SortPlan plan, RowKinds rows)
    {
        if (sort.Count == 0 || sort[0].DatePids is not { } datePids || plan == SortPlan.SortDriverSet)
            return null;
        var (driverSet, driverCount) = (SqlFilter.LastDriverSet, SqlFilter.LastDriverCount);
        // A driver set known to be small is sorted (as WalkPage would decide): no walk filter to build.
        if (plan == SortPlan.Chosen && driverSet is not null && driverCount < SqlFilter.ProbeCap)
            return null;
        var pair = PairFor(conditions, sort);
        var source = pair is null ? WalkSource.Dates(datePids, types) : WalkSource.Reference(pair);
        // Walking the pair's rows of one reference, each row has that reference (and code): they need not be tested again.
        var tests = new SqlParams();
        Condition.StartStatement();
        var filter = SqlFilter.Where("a", types, pair is null ? conditions : conditions.Where(c => !pair.Walked.Contains(c)).ToList(),
            tests, allowDriver: false, joined: true, rows: rows);
        return new WalkPlan(source, filter, tests, Trial: plan == SortPlan.Chosen && driverSet is not null, driverSet, driverCount);
    }

    /// <summary>The condition whose reference's pair rows are in the order of the first sort key, if any.</summary>
    private static ReferenceDateCondition? PairFor(IReadOnlyList<Condition> conditions, List<SortColumn> sort) =>
        sort.Count == 0 || sort[0].DatePids is null ? null : conditions.OfType<ReferenceDateCondition>().FirstOrDefault(c => c.Pair.Date == sort[0].Code);

    /// <summary>
    /// Reads the page by walking, or returns null when sorting the driver set costs less. The walk costs the page size
    /// divided by the share of matches among the walked rows; the driver set costs its size. Below <see cref="SqlFilter.ProbeCap"/>
    /// the driver set is cheap. Otherwise the walk is tried on its first <see cref="TrialWalkRows"/> rows: when they hold a
    /// page, that is the page. When not, their share of matches estimates the whole walk, which is taken only when its rows cost
    /// less than the driver set's (counted up to <see cref="SqlFilter.MaxProbeCap"/>; a set that large is never cheaper). So the
    /// cost of a search whose driver set has a fixed size (one GP's messages) stays bounded by that size as the data grows.
    /// Returns the rows, up to one more than the page.
    /// </summary>
    private static List<(SearchHit Hit, object[] Keys)>? WalkPage(SqliteConnection connection, WalkPlan walk,
        List<SortColumn> sort, SqlParams filterParams, object[]? after, int count)
    {
        if (walk is { Trial: true, DriverSet: { } driverSet })
        {
            // Unknown when there was one candidate (nothing probed) or only small sets were probed and none was small:
            // a pair walk is then tried first, a walk of the date index counts the driver first.
            var driverRows = walk.DriverCount ?? (walk.Source.Pair ? (long?)null : Count(connection, driverSet, filterParams, SqlFilter.ProbeCap));
            if (driverRows < SqlFilter.ProbeCap)
                return null;
            var matches = 0;
            if (walk.Source.OneRange)
            {
                var (trialSql, trialParams) = SortDrivenPageQuery(sort, walk, after, count, TrialWalkRows);
                var tried = ReadRows(connection, trialSql, trialParams, sort.Count);
                if (tried.Count > count)
                    return tried;
                matches = tried.Count;
            }
            driverRows = Count(connection, driverSet, filterParams, SqlFilter.MaxProbeCap);
            var walkRows = matches == 0 ? double.PositiveInfinity : (count + 1.0) * TrialWalkRows / matches;
            if (driverRows < SqlFilter.MaxProbeCap && walkRows * WalkRowCost >= driverRows)
                return null;
        }
        var (sql, p) = SortDrivenPageQuery(sort, walk, after, count, null);
        return ReadRows(connection, sql, p, sort.Count);
    }

    private static long Count(SqliteConnection connection, string set, SqlParams p, int cap)
    {
        using var cmd = Command(connection, $"SELECT COUNT(*) FROM ({set} LIMIT {cap})", p);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// The page read from the date index of the first sort key in its order: each resource once, at the
    /// value its sort key takes (its earliest or latest low), with the same keys as <see cref="PageQuery"/>
    /// so the cursors of both plans are interchangeable. The filter comes before the checks that the row is the
    /// resource's sort value (and they look up by <c>a.rid</c>), so SQLite tests most walked rows, those that
    /// do not match, with the filter alone (on the bench's e-consults: 9,000 instead of 24,000 VM steps a page).
    /// A key with one value per resource (<see cref="SortColumn.OneValue"/>) needs no such checks.
    /// </summary>
    private static (string Sql, SqlParams Params) SortDrivenPageQuery(List<SortColumn> sort, WalkPlan walk, object[]? after, int count, int? budget)
    {
        var p = new SqlParams();
        p.Values.AddRange(walk.Params.Values);
        var first = sort[0];
        var aggregate = first.Descending ? "MAX" : "MIN";
        var keys = string.Concat(sort.Skip(1).Select((s, n) => $", {s.Expression} AS k{n + 1}"));
        // The first sort key of the cursor bounds the walk: the rows before it are not read again for every page.
        var start = after is null ? "" : $" AND d.low {(first.Descending ? "<=" : ">=")} {p.Add(after[1])}";
        // A budget ends the walk at the date of its last row (with all rows of that date, so that ties are whole): the
        // matches among those rows come first in the page's order, so as many as they are, they are the unbounded walk's.
        var bound = "";
        if (budget is { } limit)
        {
            var boundStart = after is null ? "" : $" AND b.low {(first.Descending ? "<=" : ">=")} {p.Add(after[1])}";
            bound = $" AND d.low {(first.Descending ? ">=" : "<=")} COALESCE((SELECT b.low FROM {walk.Source.Table} b WHERE {walk.Source.Where("b", p)}{boundStart} " +
                $"ORDER BY b.low{(first.Descending ? " DESC" : "")} LIMIT 1 OFFSET {limit - 1}), {(first.Descending ? long.MinValue : long.MaxValue)})";
        }
        var sql = new StringBuilder(
            $"SELECT rid, id, type, k0{string.Concat(sort.Skip(1).Select((_, n) => $", k{n + 1}"))} FROM (" +
            $"SELECT a.rid, a.id, a.type, d.low AS k0{keys} FROM {walk.Source.Table} d CROSS JOIN {walk.Source.Resources} a ON a.rid = d.rid " +
            $"WHERE {walk.Source.Where("d", p)}{start}{bound} AND {walk.Filter}" +
            (first.OneValue ? "" : $" AND d.low = (SELECT {aggregate}(d2.low) FROM {walk.Source.DateTable} d2 WHERE d2.rid = a.rid AND d2.pid IN ({first.DatePids})) AND {walk.Source.Tie}") +
            ") a");
        if (after is not null)
            sql.Append(" WHERE ").Append(Keyset(sort, after, false, p));
        sql.Append(" ORDER BY ").Append(string.Concat(sort.Select((s, n) => $"k{n}{(s.Descending ? " DESC" : "")}, ")))
            .Append("rid LIMIT ").Append(count + 1);
        return (sql.ToString(), p);
    }

    /// <summary>The WHERE clause, with the driver of each level chosen by counting candidate sets on this connection.</summary>
    private static string WhereWithProbe(SqliteConnection connection, IReadOnlyList<string>? types, IReadOnlyList<Condition> conditions, SqlParams p,
        bool smallSetsOnly = false, RowKinds rows = RowKinds.Resources)
    {
        Condition.StartStatement();
        SqlFilter.Probe = (sql, parameters) =>
        {
            using var cmd = Command(connection, sql, parameters);
            return (long)cmd.ExecuteScalar()!;
        };
        SqlFilter.SmallSetsOnly = smallSetsOnly;
        try
        {
            return SqlFilter.Where("a", types, conditions, p, allowDriver: true, rows: rows);
        }
        finally
        {
            SqlFilter.Probe = null;
            SqlFilter.SmallSetsOnly = false;
        }
    }

    private static (string Sql, SqlParams Params) PageQuery(IReadOnlyList<string>? types, List<SortColumn> sort, string where, SqlParams filterParams,
        object[]? after, bool backward, int count)
    {
        var p = new SqlParams();
        p.Values.AddRange(filterParams.Values);
        var keys = string.Concat(sort.Select((s, n) => $", {s.Expression} AS k{n}"));
        var sql = new StringBuilder($"SELECT rid, id, type{string.Concat(sort.Select((_, n) => $", k{n}"))} FROM (SELECT a.rid, a.id, a.type{keys} FROM {AuditFile.Table("search_resource", types)} a WHERE {where}) a");
        if (after is not null)
            sql.Append(" WHERE ").Append(Keyset(sort, after, backward, p));
        sql.Append(" ORDER BY ").Append(string.Concat(sort.Select((s, n) => $"k{n}{(s.Descending != backward ? " DESC" : "")}, ")))
            .Append(backward ? "rid DESC" : "rid").Append(" LIMIT ").Append(count + 1);
        return (sql.ToString(), p);
    }

    /// <summary>The query plan of the first page, to prove that a search is answered from the indexes.</summary>
    public List<string> ExplainFirstPage(SqliteConnection connection, IReadOnlyList<string>? types, IReadOnlyList<Condition> conditions, SearchRequest request) =>
        ExplainFirstPage(connection, types, conditions, request, SortPlan.Chosen);

    internal List<string> ExplainFirstPage(SqliteConnection connection, IReadOnlyList<string>? types, IReadOnlyList<Condition> conditions,
        SearchRequest request, SortPlan plan)
    {
        var filterParams = new SqlParams();
        var sort = SortColumns(types, request);
        var kinds = RowsOf(request);
        var where = WhereWithProbe(connection, types, conditions, filterParams, smallSetsOnly: plan == SortPlan.Chosen && PairFor(conditions, sort) is not null,
            kinds);
        var count = request.Count ?? 50;
        var (sql, p) = PageQuery(types, sort, where, filterParams, null, false, count);
        // A walk is explained unbounded: its trial on the first TrialWalkRows rows reads no more than those.
        if (SortWalk(types, conditions, sort, plan, kinds) is { } walk && WalkPage(connection, walk, sort, filterParams, null, count) is not null)
            (sql, p) = SortDrivenPageQuery(sort, walk, null, count, null);
        using var cmd = Command(connection, "EXPLAIN QUERY PLAN " + sql, p);
        using var reader = cmd.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
            lines.Add(reader.GetString(3));
        return lines;
    }

    /// <summary>The rows _contained asks for (https://hl7.org/fhir/R4/search.html#contained).</summary>
    public static RowKinds RowsOf(SearchRequest request) => request.Contained switch
    {
        "true" => RowKinds.Contained,
        "both" => RowKinds.Both,
        _ => RowKinds.Resources,
    };

    private List<SortColumn> SortColumns(IReadOnlyList<string>? types, SearchRequest request)
    {
        var columns = new List<SortColumn>();
        foreach (var key in request.Sort)
        {
            if (key.Code == "_id")
            {
                columns.Add(new SortColumn("a.id", key.Descending, false));
                continue;
            }
            if (key.Code == "_lastUpdated")
            {
                columns.Add(new SortColumn("a.last_updated", key.Descending, true));
                continue;
            }
            var parameter = types is { Count: > 0 } ? registry.Find(types[0], key.Code) : null;
            if (parameter is null || parameter.Type is "special" or "composite")
            {
                var message = $"Cannot sort by '{key.Code}': not a search parameter of {(types is null ? "all types" : string.Join(",", types))}";
                if (request.Strict)
                    throw FhirException.BadRequest(message);
                request.Ignored.Add(message);
                continue;
            }
            var pids = string.Join(", ", ReferenceAliases.Pids(types!, key.Code));
            var rowTest = ReferenceAliases.AndRowTest(types!, key.Code, "s");
            var table = AuditFile.Table(ConditionBuilder.TableOf(parameter.Type), types);
            var aggregate = key.Descending ? "MAX" : "MIN";
            var (column, numeric) = parameter.Type switch
            {
                "string" => ("value", false),
                "token" => ("code", false),
                "reference" => ("ref_type || '/' || ref_id", false),
                "date" => ("low", true),
                "number" => ("value", true),
                "quantity" => ("low", true),
                _ => ("uri", false),
            };
            var missing = (numeric, key.Descending) switch
            {
                (true, false) => "9223372036854775807",
                (true, true) => "-9223372036854775808",
                (false, false) => "char(1114111)",
                _ => "''",
            };
            columns.Add(new SortColumn($"COALESCE((SELECT {aggregate}({column}) FROM {table} s WHERE s.rid = a.rid AND s.pid IN ({pids}){rowTest}), {missing})",
                key.Descending, numeric, parameter.Type == "date" ? pids : null, key.Code,
                OneValue: parameter.Type == "date" && types!.All(t => registry.HasOneValue(t, key.Code))));
        }
        return columns;
    }

    private static string Keyset(List<SortColumn> sort, object[] after, bool backward, SqlParams p)
    {
        var rid = (long)after[0];
        var ors = new List<string>();
        for (var j = 0; j <= sort.Count; j++)
        {
            var ands = new List<string>();
            for (var k = 0; k < j; k++)
                ands.Add($"k{k} = {p.Add(after[k + 1])}");
            if (j < sort.Count)
                ands.Add($"k{j} {(sort[j].Descending != backward ? "<" : ">")} {p.Add(after[j + 1])}");
            else
                ands.Add($"rid {(backward ? "<" : ">")} {p.Add(rid)}");
            ors.Add("(" + string.Join(" AND ", ands) + ")");
        }
        return "(" + string.Join(" OR ", ors) + ")";
    }

    private static string EncodeCursor(bool backward, long rid, object[] keys)
    {
        var values = new List<object?> { backward ? "p" : "n", rid };
        values.AddRange(keys);
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(values));
    }

    private static (bool Backward, object[]? After) DecodeCursor(string? cursor, int keyCount)
    {
        if (cursor is null)
            return (false, null);
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
            var items = doc.RootElement.EnumerateArray().ToArray();
            if (items.Length != keyCount + 2 || items[0].GetString() is not ("n" or "p"))
                throw new FormatException();
            var after = new object[keyCount + 1];
            after[0] = items[1].GetInt64();
            for (var k = 0; k < keyCount; k++)
            {
                var item = items[k + 2];
                after[k + 1] = item.ValueKind switch
                {
                    JsonValueKind.String => item.GetString()!,
                    JsonValueKind.Number when item.TryGetInt64(out var l) => l,
                    JsonValueKind.Number => item.GetDouble(),
                    _ => throw new FormatException(),
                };
            }
            return (items[0].GetString() == "p", after);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw FhirException.BadRequest($"_cursor={cursor} is not a cursor this server gave out for this search");
        }
    }

    private List<SearchHit> Includes(SqliteConnection connection, List<SearchHit> matches, SearchRequest request, Func<string, Condition?>? restriction)
    {
        var result = new List<SearchHit>();
        if (request.Includes.Count == 0 || matches.Count == 0)
            return result;
        var seen = matches.Select(m => m.Rid).ToHashSet();
        var source = matches;
        for (var round = 0; round < MaxIncludeRounds && source.Count > 0 && result.Count < MaxIncluded; round++)
        {
            var added = new List<SearchHit>();
            foreach (var spec in request.Includes.Where(s => round == 0 || s.Iterate))
            {
                var parameter = registry.Find(spec.SourceType, spec.Param);
                if (parameter is null || parameter.Type != "reference")
                {
                    var message = $"_include/_revinclude {spec.SourceType}:{spec.Param} is not a reference search parameter";
                    if (request.Strict)
                        throw FhirException.BadRequest(message);
                    if (round == 0)
                        request.Ignored.Add(message);
                    continue;
                }
                var pids = string.Join(", ", ReferenceAliases.Pids([spec.SourceType], spec.Param));
                var rowTest = ReferenceAliases.AndRowTest([spec.SourceType], spec.Param, "x");
                var references = AuditFile.Table("ix_reference", spec.SourceType);
                var statements = new List<(string Sql, SqlParams Params)>();
                if (!spec.Reverse)
                {
                    var from = source.Where(h => h.Type == spec.SourceType).Select(h => h.Rid).ToList();
                    if (from.Count == 0)
                        continue;
                    // A join reads each file's own table (the view over both would be read whole): one statement per file
                    // that holds a target type.
                    var targetTypes = spec.TargetType is { } only ? [only] : parameter.Target.Where(registry.Definitions.IsResourceType).ToList();
                    var anyType = spec.TargetType is null && parameter.Target.Any(t => !registry.Definitions.IsResourceType(t));
                    foreach (var audit in new[] { false, true }.Where(f => anyType || targetTypes.Any(t => AuditFile.Holds(t) == f)))
                    {
                        var p = new SqlParams();
                        statements.Add(($"SELECT DISTINCT t.rid, t.type, t.id FROM {references} x JOIN {AuditFile.TableIn("search_resource", audit)} t " +
                            $"ON t.type = x.ref_type AND t.id = x.ref_id " +
                            $"WHERE x.rid IN {RidList(from, p)} AND x.pid IN ({pids}){rowTest} AND t.alive = 1" +
                            (spec.TargetType is null ? "" : $" AND t.type = {p.Add(spec.TargetType)}"), p));
                    }
                }
                else
                {
                    var p = new SqlParams();
                    var targets = source.GroupBy(h => h.Type).Select(g =>
                        $"(x.ref_type = {p.Add(g.Key)} AND x.ref_id IN ({p.List(g.Select(h => h.Id))}))").ToList();
                    statements.Add(($"SELECT DISTINCT s.rid, s.type, s.id FROM {references} x JOIN {AuditFile.Table("search_resource", spec.SourceType)} s ON s.rid = x.rid " +
                        $"WHERE x.pid IN ({pids}){rowTest} AND ({string.Join(" OR ", targets)}) AND s.alive = 1", p));
                }
                foreach (var (sql, p) in statements)
                {
                    using var cmd = Command(connection, sql + $" LIMIT {MaxIncluded}", p);
                    using var reader = cmd.ExecuteReader();
                    while (reader.Read())
                    {
                        var hit = new SearchHit(reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
                        if (seen.Add(hit.Rid))
                            added.Add(hit);
                    }
                }
            }
            if (restriction is not null)
                added = Allowed(connection, added, restriction);
            result.AddRange(added);
            source = added;
        }
        return result;
    }

    /// <summary>The hits the restriction lets through, checked per type.</summary>
    public static List<SearchHit> Allowed(SqliteConnection connection, List<SearchHit> hits, Func<string, Condition?> restriction)
    {
        var allowed = new HashSet<long>();
        foreach (var group in hits.GroupBy(h => h.Type))
        {
            if (restriction(group.Key) is not { } condition)
            {
                allowed.UnionWith(group.Select(h => h.Rid));
                continue;
            }
            var p = new SqlParams();
            Condition.StartStatement();
            var sql = $"SELECT a.rid FROM {AuditFile.Table("search_resource", group.Key)} a WHERE a.rid IN {RidList(group.Select(h => h.Rid), p)} AND {condition.Test("a", p)}";
            using var cmd = Command(connection, sql, p);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
                allowed.Add(reader.GetInt64(0));
        }
        return hits.Where(h => allowed.Contains(h.Rid)).ToList();
    }

    /// <summary>
    /// Fills in the JSON of the current version of each hit and, with <paramref name="withPatients"/>, returns
    /// the patients whose compartment each hit is in, read in the same statement from the reference index (no
    /// JSON is parsed): a Patient is its own member; other types through the compartment's parameters.
    /// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
    /// </summary>
    public Dictionary<long, List<string>> Load(SqliteConnection connection, IReadOnlyCollection<SearchHit> hits, bool withPatients)
    {
        var patients = new Dictionary<long, List<string>>();
        var byRid = new Dictionary<long, SearchHit>(hits.Count);
        foreach (var hit in hits)
            byRid[hit.Rid] = hit;
        if (byRid.Count == 0)
            return patients;
        var pids = new HashSet<long>();
        if (withPatients)
        {
            foreach (var hit in byRid.Values)
            {
                // The column reads rows of type Patient only, so an alias's sources need no extra test.
                if (hit.Type == "Patient")
                    patients[hit.Rid] = [hit.Id];
                else
                    pids.UnionWith(registry.PatientCompartmentPids(hit.Type));
            }
        }
        foreach (var file in byRid.Keys.GroupBy(AuditFile.HoldsRow))
            Load(connection, byRid, file, file.Key, pids, patients);
        return patients;
    }

    /// <summary>Loads the hits of one file (<paramref name="audit"/>), as <see cref="Load(SqliteConnection, IReadOnlyCollection{SearchHit}, bool)"/> describes.</summary>
    private static void Load(SqliteConnection connection, Dictionary<long, SearchHit> byRid, IEnumerable<long> rids, bool audit, HashSet<long> pids,
        Dictionary<long, List<string>> patients)
    {
        var p = new SqlParams();
        var list = RidList(rids, p);
        // The patients of a hit are kept in its row (search_resource.patients, written by the indexer). Rows written
        // before that column existed (NULL) are looked up: resource ids ([A-Za-z0-9.-]) hold no comma, so they travel as
        // one comma-separated column too. Duplicates are dropped here, not with DISTINCT, which costs SQLite a temporary
        // b-tree per hit. The hit's rows are found with one seek on the rid and the keys tested on them (+x.pid), not one
        // seek per key. COALESCE evaluates the look-up only for those rows.
        var patientColumn = pids.Count == 0 ? "NULL" :
            $"COALESCE(a.patients, (SELECT group_concat(x.ref_id) FROM {AuditFile.TableIn("ix_reference", audit)} x WHERE x.rid = a.rid AND +x.pid IN ({string.Join(", ", pids)}) AND x.ref_type = 'Patient'))";
        using var cmd = Command(connection,
            $"SELECT a.rid, v.json, {patientColumn} FROM {AuditFile.TableIn("search_resource", audit)} a " +
            $"JOIN {AuditFile.TableIn("resource_version", audit)} v ON v.seq = a.seq WHERE a.rid IN {list}",
            p);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var rid = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
                byRid[rid].Json = (byte[])reader.GetValue(1);
            if (!reader.IsDBNull(2) && reader.GetString(2) is { Length: > 0 } own)
                patients[rid] = [.. own.Split(',').Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// A list of rids as one parameter (<c>(SELECT value FROM json_each($p))</c>), so that the statement text does
    /// not change with the rids and its prepared statement can be reused.
    /// </summary>
    private static string RidList(IEnumerable<long> rids, SqlParams p) =>
        $"(SELECT value FROM json_each({p.Add("[" + string.Join(",", rids) + "]")}))";

    /// <summary>The pooled search connections whose commands are kept between searches (<see cref="CacheStatements"/>).</summary>
    private static readonly ConditionalWeakTable<SqliteConnection, object> Cached = new();

    /// <summary>
    /// Keeps the prepared statements of <paramref name="connection"/> (a pooled search connection, used by one
    /// search at a time) between searches, so a query shape seen before is not compiled by SQLite again. The SQL
    /// texts are stable per query shape because values are parameters and aliases are numbered per statement.
    /// </summary>
    public static void CacheStatements(SqliteConnection connection) => Cached.AddOrUpdate(connection, connection);

    /// <summary>A statement with its parameters bound; on a connection with a statement cache the command is reused.</summary>
    public static Statement Command(SqliteConnection connection, string sql, SqlParams p)
    {
        var cached = Cached.TryGetValue(connection, out _);
        SqliteCommand cmd;
        if (cached)
            cmd = SqliteModuleDb.Reused(connection, sql);
        else
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
        }
        for (var i = 0; i < p.Values.Count; i++)
            cmd.Parameters.AddWithValue("$p" + (i + 1).ToString(CultureInfo.InvariantCulture), p.Values[i] ?? DBNull.Value);
        return new Statement(cmd, cached);
    }

    /// <summary>A command to execute once; disposing it keeps a cached command (and its prepared statement) for the next search.</summary>
    public readonly struct Statement(SqliteCommand command, bool cached) : IDisposable
    {
        public SqliteDataReader ExecuteReader() => command.ExecuteReader();

        public object? ExecuteScalar() => command.ExecuteScalar();

        public int ExecuteNonQuery() => command.ExecuteNonQuery();

        public void Dispose()
        {
            if (!cached)
                command.Dispose();
        }
    }
}
