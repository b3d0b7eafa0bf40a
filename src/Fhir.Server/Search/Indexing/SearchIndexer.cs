using System.Runtime.CompilerServices;
using System.Text.Json;
using Fhir.Server.Search.Extraction;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// Writes the search index tables (migration 0002) for every new version, inside the write
/// transaction: values are extracted in <see cref="Prepare"/> (outside it), rows replaced in <see cref="Index"/>.
/// https://hl7.org/fhir/R4/search.html
/// </summary>
public sealed class SearchIndexer(SearchValueExtractor extractor, SearchParameterRegistry registry) : IResourceIndexer
{
    /// <summary>Date values spanning more than this (ms) are also kept in ix_date_long; see <c>DateRangeCondition</c>.</summary>
    public const long LongDate = 86_400_000;

    private readonly ConditionalWeakTable<SqliteConnection, Commands> _commands = new();

    /// <summary>The rows for one resource, ready to insert.</summary>
    public sealed class Rows
    {
        public List<(long Pid, string Value, string Exact)> Strings { get; } = [];
        public List<(long Pid, string Code, string System)> Tokens { get; } = [];
        public List<(long Pid, string RefId, string RefType)> References { get; } = [];
        public List<(long Pid, long Low, long High)> Dates { get; } = [];
        public List<(long Pid, double Value)> Numbers { get; } = [];
        public List<(long Pid, string Code, string System, double Low, double High)> Quantities { get; } = [];
        public List<(long Pid, string Uri)> Uris { get; } = [];
        public List<(long Pid, string C1, string C1System, string C2, string C2System, double Low, double High)> Composites { get; } = [];
        public List<(long Pid, string RefId, string RefType, long Low, long High)> ReferenceDates { get; } = [];

        /// <summary>The contained resources (<see cref="ContainedRow"/>), each with its type, local id and rows.</summary>
        public List<(string Type, string LocalId, Rows Rows)> Contained { get; } = [];
    }

    /// <summary>search_resource.alive of a contained resource's row: no search that asks for alive = 1 (the default) sees it.</summary>
    public const int ContainedRow = 2;

    /// <summary>The id of a contained resource's row: "ContainerType/containerId#localId", unique like the container's.</summary>
    public static string ContainedId(string containerType, string containerId, string localId) => $"{containerType}/{containerId}#{localId}";

    /// <summary>The container and local id in a contained resource's row id (<see cref="ContainedId"/>); null for a resource's own id.</summary>
    public static (string Type, string Id, string Local)? ContainerOf(string rowId)
    {
        var hash = rowId.IndexOf('#');
        var slash = hash < 0 ? -1 : rowId.LastIndexOf('/', hash);
        return slash < 0 ? null : (rowId[..slash], rowId[(slash + 1)..hash], rowId[(hash + 1)..]);
    }

    public object? Prepare(string type, JsonElement resource) => Extract(type, resource);

    /// <summary>
    /// The rows of a resource and of each resource it contains (https://hl7.org/fhir/R4/search.html#contained), with
    /// references to contained resources (<c>#id</c>) kept as "#id" until <see cref="Write"/> knows the container's id.
    /// Resources of the audit file's types neither contain nor are contained here: their rows live in another file.
    /// </summary>
    public Rows Extract(string type, JsonElement resource)
    {
        var locals = AuditFile.Holds(type) ? null : ContainedTypes(resource);
        var rows = ExtractOne(type, resource, locals);
        if (locals is null)
            return rows;
        foreach (var contained in resource.GetProperty("contained").EnumerateArray())
        {
            if (Local(contained) is var (containedType, localId) && !AuditFile.Holds(containedType))
                rows.Contained.Add((containedType, localId, ExtractOne(containedType, contained, locals)));
        }
        return rows;
    }

    /// <summary>The type of each contained resource by its local id, or null when the resource contains none.</summary>
    private static Dictionary<string, string>? ContainedTypes(JsonElement resource)
    {
        if (resource.ValueKind != JsonValueKind.Object || !resource.TryGetProperty("contained", out var contained) || contained.ValueKind != JsonValueKind.Array)
            return null;
        Dictionary<string, string>? locals = null;
        foreach (var item in contained.EnumerateArray())
        {
            if (Local(item) is var (containedType, localId))
                (locals ??= new(StringComparer.Ordinal)).TryAdd(localId, containedType);
        }
        return locals;
    }

    private static (string Type, string Id)? Local(JsonElement contained) =>
        contained.ValueKind == JsonValueKind.Object
        && contained.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String
        && contained.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } localId
            ? (t.GetString()!, localId)
            : null;

    private Rows ExtractOne(string type, JsonElement resource, Dictionary<string, string>? locals)
    {
        var rows = new Rows();
        var plan = registry.PlanFor(type);
        foreach (var entry in extractor.ExtractAll(resource))
        {
            if (plan.OfficialCodes.Contains(entry.ParamCode))
                Add(type, entry, rows, locals);
        }
        foreach (var parameter in plan.Custom)
        {
            try
            {
                foreach (var entry in extractor.Extract(resource, parameter))
                    Add(type, entry, rows, locals);
            }
            catch (FhirPath.FhirPathException)
            {
                // A custom expression that does not fit this resource gives it no value, as for the official ones.
            }
        }
        ReferenceDateIndex.AddRows(type, rows);
        return rows;
    }

    private static void Add(string type, SearchIndexEntry entry, Rows rows, Dictionary<string, string>? locals)
    {
        var pid = ParamKey.For(type, entry.ParamCode);
        switch (entry)
        {
            case StringIndexEntry s:
                rows.Strings.Add((pid, s.Normalized, s.Value));
                break;
            case TokenIndexEntry t:
                if (t.Code is not null)
                {
                    rows.Tokens.Add((pid, t.Code, t.System ?? ""));
                    if (t.TypeCode is not null)
                        rows.Tokens.Add((ParamKey.For(type, t.ParamCode, ParamKey.OfTypeSuffix), t.Code, $"{t.TypeSystem}|{t.TypeCode}"));
                }
                if (t.Text is not null)
                    rows.Strings.Add((ParamKey.For(type, t.ParamCode, ParamKey.TextSuffix), t.TextNormalized!, t.Text));
                break;
            case ReferenceIndexEntry r:
                if (!ReferenceAliases.IsAliased(pid))
                {
                    // "#" is the container, "#id" a resource it contains (one this resource does not contain is no reference).
                    if (r.Local is { Length: 0 })
                        rows.References.Add((pid, "#", ""));
                    else if (r.Local is { } local && locals?.TryGetValue(local, out var localType) == true)
                        rows.References.Add((pid, "#" + local, localType));
                    if (r.ResourceType is not null && r.Id is not null)
                        rows.References.Add((pid, r.Id, r.ResourceType));
                    if (r.Url is not null)
                        rows.References.Add((pid, r.Url, ""));
                }
                if (r.IdentifierValue is not null)
                    rows.Tokens.Add((ParamKey.For(type, r.ParamCode, ParamKey.IdentifierSuffix), r.IdentifierValue, r.IdentifierSystem ?? ""));
                break;
            case DateIndexEntry d:
                rows.Dates.Add((pid, d.Low.ToUnixTimeMilliseconds(), d.High.ToUnixTimeMilliseconds()));
                break;
            case NumberIndexEntry n:
                rows.Numbers.Add((pid, (double)n.Value));
                break;
            case QuantityIndexEntry q:
                var low = (double)(q.Value ?? q.Low);
                var high = (double)(q.Value ?? q.High);
                rows.Quantities.Add((pid, q.Code ?? q.Unit ?? "", q.System ?? "", low, high));
                if (q.Code is not null && q.Unit is not null && q.Unit != q.Code)
                    rows.Quantities.Add((pid, q.Unit, "", low, high));
                break;
            case UriIndexEntry u:
                rows.Uris.Add((pid, u.Uri));
                break;
            case CompositeIndexEntry { Components.Count: 2 } c:
                var first = c.Components[0] switch
                {
                    TokenIndexEntry { Code: not null } t => (t.Code, t.System ?? ""),
                    ReferenceIndexEntry { Id: not null } r => (r.Id, r.ResourceType ?? ""),
                    _ => ((string, string)?)null,
                };
                (string, string, double, double)? second = c.Components[1] switch
                {
                    TokenIndexEntry { Code: not null } t => (t.Code, t.System ?? "", 0, 0),
                    StringIndexEntry s => (s.Normalized, "", 0, 0),
                    QuantityIndexEntry q => (q.Code ?? q.Unit ?? "", q.System ?? "", (double)(q.Value ?? q.Low), (double)(q.Value ?? q.High)),
                    DateIndexEntry d => ("", "", d.Low.ToUnixTimeMilliseconds(), d.High.ToUnixTimeMilliseconds()),
                    _ => null,
                };
                if (first is { } f && second is { } v)
                    rows.Composites.Add((pid, f.Item1, f.Item2, v.Item1, v.Item2, v.Item3, v.Item4));
                break;
        }
    }

    public void Index(IWriteSession session, StoredResource stored, object? prepared) =>
        Write((SqliteConnection)session.Connection, stored.Type, stored.Id, stored.Seq, stored.LastUpdated.ToUnixTimeMilliseconds(),
            prepared as Rows, replace: stored.Version > 1);

    /// <summary>
    /// The ids of the patients whose compartment holds the resource, comma-separated ('' for none): stored with it
    /// (search_resource.patients) for the access log's record of a search (<see cref="Query.SearchExecutor.Load"/>).
    /// A Patient is its own. Resource ids hold no comma ([A-Za-z0-9.-]).
    /// </summary>
    private string Patients(string type, string id, Rows rows)
    {
        if (type == "Patient")
            return id;
        var pids = registry.PatientCompartmentPids(type);
        if (pids.Count == 0)
            return "";
        // An access log AuditEvent names up to 200 patients: a set keeps the de-duplication linear.
        HashSet<string>? seen = null;
        List<string>? patients = null;
        foreach (var reference in rows.References)
        {
            // A contained Patient ("Type/id#local") is nobody's record.
            if (reference.RefType == "Patient" && pids.Contains(reference.Pid) && !reference.RefId.Contains('#') && (seen ??= new(StringComparer.Ordinal)).Add(reference.RefId))
                (patients ??= []).Add(reference.RefId);
        }
        return patients is null ? "" : string.Join(',', patients);
    }

    /// <summary>
    /// Replaces the index rows of one resource and of the resources it contains; <paramref name="rows"/> null marks it
    /// deleted (and drops its contained resources' rows).
    /// </summary>
    public void Write(SqliteConnection connection, string type, string id, long seq, long lastUpdated, Rows? rows, bool replace)
    {
        var c = _commands.GetValue(connection, CommandsFor);
        if (rows is not null)
            ResolveLocal(rows, type, id);
        var patients = rows is null ? "" : Patients(type, id, rows);
        var rid = c.Upsert.Bind(1, type).Bind(2, id).Bind(3, seq).Bind(4, lastUpdated).Bind(5, rows is null ? 0 : 1)
            .Bind(6, patients).ExecuteInt64();
        WriteRows(c, type, rid, rows, replace);
        if (rows is not null)
        {
            foreach (var (containedType, localId, containedRows) in rows.Contained)
            {
                ResolveLocal(containedRows, type, id);
                // A contained resource is in the compartments of its container: the access log names those patients.
                var containedRid = c.UpsertContained.Bind(1, containedType).Bind(2, ContainedId(type, id, localId)).Bind(3, seq).Bind(4, lastUpdated)
                    .Bind(5, patients).Bind(6, rid).ExecuteInt64();
                WriteRows(c, containedType, containedRid, containedRows, replace);
            }
        }
        if (replace && !AuditFile.Holds(type))
            DropStaleContained(c, rid, seq);
    }

    /// <summary>Drops the rows of the resources an earlier version contained that this one (<paramref name="seq"/>) does not.</summary>
    private static void DropStaleContained(Commands c, long container, long seq)
    {
        var stale = new List<long>();
        c.StaleContained.Bind(1, container).Bind(2, seq).ForEachInt64(stale.Add);
        foreach (var rid in stale)
        {
            foreach (var delete in c.Deletes)
                delete.Bind(1, rid).Execute();
            c.DeleteResource.Bind(1, rid).Execute();
        }
    }

    /// <summary>
    /// Gives references to contained resources the ids of their rows, now that the container's id is known: "#" becomes
    /// the container, "#local" <see cref="ContainedId"/>. Rewritten ids no longer start with '#', so a second call changes nothing.
    /// </summary>
    private static void ResolveLocal(Rows rows, string type, string id)
    {
        for (var i = 0; i < rows.References.Count; i++)
        {
            if (rows.References[i] is var r && r.RefId.StartsWith('#'))
                rows.References[i] = r.RefId.Length == 1 ? (r.Pid, id, type) : (r.Pid, ContainedId(type, id, r.RefId[1..]), r.RefType);
        }
        for (var i = 0; i < rows.ReferenceDates.Count; i++)
        {
            // A pair row's id may carry "|code" after the reference (ReferenceDateIndex.Pair.RefId).
            if (rows.ReferenceDates[i] is var d && d.RefId.StartsWith('#'))
                rows.ReferenceDates[i] = d.RefId.Length == 1 || d.RefId[1] == '|'
                    ? (d.Pid, id + d.RefId[1..], type, d.Low, d.High)
                    : (d.Pid, $"{type}/{id}{d.RefId}", d.RefType, d.Low, d.High);
        }
    }

    private static void WriteRows(Commands c, string type, long rid, Rows? rows, bool replace)
    {
        if (replace)
        {
            foreach (var delete in c.Deletes)
                delete.Bind(1, rid).Execute();
        }
        if (rows is null)
            return;
        // The rows go in through SQLite's own statements, several rows per statement: binding and stepping
        // through Microsoft.Data.Sqlite per row cost more than the B-tree inserts themselves.
        c.String.Insert(rows.Strings, rid, static (s, i, r) =>
        {
            Bind(s, i + 2, r.Value);
            Bind(s, i + 3, r.Exact);
        });
        c.Token.Insert(rows.Tokens, rid, static (s, i, r) =>
        {
            Bind(s, i + 2, r.Code);
            Bind(s, i + 3, r.System);
        });
        // A new resource of a pending type appends its reference rows in rid order; see PendingReferences.
        (replace || !PendingReferences.Types.Contains(type) ? c.Reference : c.PendingReference).Insert(rows.References, rid, static (s, i, r) =>
        {
            Bind(s, i + 2, r.RefId);
            Bind(s, i + 3, r.RefType);
        });
        c.Date.Insert(rows.Dates, rid, static (s, i, r) =>
        {
            raw.sqlite3_bind_int64(s, i + 2, r.Low);
            raw.sqlite3_bind_int64(s, i + 3, r.High);
        });
        if (rows.Dates.Exists(static d => d.High - d.Low > LongDate))
        {
            c.DateLong.Insert(rows.Dates.FindAll(static d => d.High - d.Low > LongDate), rid, static (s, i, r) =>
            {
                raw.sqlite3_bind_int64(s, i + 2, r.Low);
                raw.sqlite3_bind_int64(s, i + 3, r.High);
            });
        }
        c.Number.Insert(rows.Numbers, rid, static (s, i, r) => raw.sqlite3_bind_double(s, i + 2, r.Value));
        c.Quantity.Insert(rows.Quantities, rid, static (s, i, r) =>
        {
            Bind(s, i + 2, r.Code);
            Bind(s, i + 3, r.System);
            raw.sqlite3_bind_double(s, i + 4, r.Low);
            raw.sqlite3_bind_double(s, i + 5, r.High);
        });
        c.Uri.Insert(rows.Uris, rid, static (s, i, r) => Bind(s, i + 2, r.Uri));
        c.Composite.Insert(rows.Composites, rid, static (s, i, r) =>
        {
            Bind(s, i + 2, r.C1);
            Bind(s, i + 3, r.C1System);
            Bind(s, i + 4, r.C2);
            Bind(s, i + 5, r.C2System);
            raw.sqlite3_bind_double(s, i + 6, r.Low);
            raw.sqlite3_bind_double(s, i + 7, r.High);
        });
        c.ReferenceDate.Insert(rows.ReferenceDates, rid, static (s, i, r) =>
        {
            Bind(s, i + 2, r.RefId);
            Bind(s, i + 3, r.RefType);
            raw.sqlite3_bind_int64(s, i + 4, r.Low);
            raw.sqlite3_bind_int64(s, i + 5, r.High);
        });
    }

    private Commands CommandsFor(SqliteConnection connection)
    {
        var commands = new Commands(connection);
        // SQLite's statements belong to the open database handle, which a pooled connection hands on to
        // the next SqliteConnection: finalize them when this one closes.
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState != System.Data.ConnectionState.Closed)
                return;
            _commands.Remove(connection);
            commands.Dispose();
        };
        return commands;
    }

    private static void Bind(sqlite3_stmt statement, int index, string value)
    {
        var rc = raw.sqlite3_bind_text(statement, index, value);
        if (rc != raw.SQLITE_OK)
            throw new SqliteException($"Binding index value {index} failed ({rc})", rc);
    }

    /// <summary>
    /// One index table's INSERT, prepared per number of rows (1 to <see cref="MaxRows"/>) on first use:
    /// <c>INSERT OR IGNORE INTO t (pid, rid, ...) VALUES (?, ?, ...), (?, ?, ...)</c>. Parameters are
    /// numbered per row: pid and rid first, then the table's own columns.
    /// </summary>
    private sealed class RowInsert(SqliteConnection connection, string table, string columns, int width) : IDisposable
    {
        private const int MaxRows = 16;
        private readonly sqlite3_stmt?[] _statements = new sqlite3_stmt?[MaxRows + 1];

        public void Insert<T>(List<T> rows, long rid, Action<sqlite3_stmt, int, T> bind) where T : struct, ITuple
        {
            for (var start = 0; start < rows.Count; start += MaxRows)
            {
                var count = Math.Min(MaxRows, rows.Count - start);
                var statement = StatementFor(count);
                for (var r = 0; r < count; r++)
                {
                    var row = rows[start + r];
                    var first = r * width + 1;
                    raw.sqlite3_bind_int64(statement, first, (long)row[0]!);
                    raw.sqlite3_bind_int64(statement, first + 1, rid);
                    bind(statement, first, row);
                }
                var rc = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (rc != raw.SQLITE_DONE)
                    SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }
        }

        private sqlite3_stmt StatementFor(int count)
        {
            if (_statements[count] is { } prepared)
                return prepared;
            var values = string.Join(", ", Enumerable.Range(0, count).Select(_ => "(" + string.Join(", ", Enumerable.Repeat("?", width)) + ")"));
            var rc = raw.sqlite3_prepare_v2(connection.Handle, $"INSERT OR IGNORE INTO {table} (pid, rid, {columns}) VALUES {values}", out var statement);
            if (rc != raw.SQLITE_OK)
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            return _statements[count] = statement;
        }

        public void Dispose()
        {
            for (var i = 0; i < _statements.Length; i++)
            {
                _statements[i]?.Dispose();
                _statements[i] = null;
            }
        }
    }

    private sealed class Commands : IDisposable
    {
        public Commands(SqliteConnection connection)
        {
            Upsert = new SqliteStatement(connection, """
                INSERT INTO search_resource (type, id, seq, last_updated, alive, patients) VALUES ($p1, $p2, $p3, $p4, $p5, $p6)
                ON CONFLICT (type, id) DO UPDATE SET seq = excluded.seq, last_updated = excluded.last_updated, alive = excluded.alive,
                    patients = excluded.patients
                RETURNING rid
                """);
            UpsertContained = new SqliteStatement(connection, $"""
                INSERT INTO search_resource (type, id, seq, last_updated, alive, patients, container) VALUES ($p1, $p2, $p3, $p4, {ContainedRow}, $p5, $p6)
                ON CONFLICT (type, id) DO UPDATE SET seq = excluded.seq, last_updated = excluded.last_updated, patients = excluded.patients
                RETURNING rid
                """);
            StaleContained = new SqliteStatement(connection, "SELECT rid FROM search_resource WHERE container = $p1 AND seq <> $p2");
            DeleteResource = new SqliteStatement(connection, "DELETE FROM search_resource WHERE rid = $p1");
            Deletes = new[] { "ix_string", "ix_token", "ix_reference", "ix_reference_pending", "ix_date", "ix_number", "ix_quantity", "ix_uri", "ix_composite", "ix_date_long", "ix_reference_date" }
                .Select(t => new SqliteStatement(connection, $"DELETE FROM {t} WHERE rid = $p1")).ToArray();
            String = new RowInsert(connection, "ix_string", "value, exact", 4);
            Token = new RowInsert(connection, "ix_token", "code, system", 4);
            Reference = new RowInsert(connection, "ix_reference", "ref_id, ref_type", 4);
            PendingReference = new RowInsert(connection, "ix_reference_pending", "ref_id, ref_type", 4);
            Date = new RowInsert(connection, "ix_date", "low, high", 4);
            DateLong = new RowInsert(connection, "ix_date_long", "low, high", 4);
            Number = new RowInsert(connection, "ix_number", "value", 3);
            Quantity = new RowInsert(connection, "ix_quantity", "code, system, low, high", 6);
            Uri = new RowInsert(connection, "ix_uri", "uri", 3);
            Composite = new RowInsert(connection, "ix_composite", "c1, c1_system, c2, c2_system, low, high", 8);
            ReferenceDate = new RowInsert(connection, "ix_reference_date", "ref_id, ref_type, low, high", 6);
        }

        public SqliteStatement Upsert { get; }
        public SqliteStatement UpsertContained { get; }
        public SqliteStatement StaleContained { get; }
        public SqliteStatement DeleteResource { get; }
        public SqliteStatement[] Deletes { get; }
        public RowInsert String { get; }
        public RowInsert Token { get; }
        public RowInsert Reference { get; }
        public RowInsert PendingReference { get; }
        public RowInsert Date { get; }
        public RowInsert DateLong { get; }
        public RowInsert Number { get; }
        public RowInsert Quantity { get; }
        public RowInsert Uri { get; }
        public RowInsert Composite { get; }
        public RowInsert ReferenceDate { get; }

        public void Dispose()
        {
            foreach (var insert in (RowInsert[])[String, Token, Reference, PendingReference, Date, DateLong, Number, Quantity, Uri, Composite, ReferenceDate])
                insert.Dispose();
            Upsert.Dispose();
            UpsertContained.Dispose();
            StaleContained.Dispose();
            DeleteResource.Dispose();
            foreach (var delete in Deletes)
                delete.Dispose();
        }
    }
}
