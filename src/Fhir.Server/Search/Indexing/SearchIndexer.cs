using System.Runtime.CompilerServices;
using System.Text.Json;
using Fhir.Server.Search.Extraction;
using Fhir.Server.Store;
using Microsoft.Data.Sqlite;

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
    }

    public object? Prepare(string type, JsonElement resource) => Extract(type, resource);

    public Rows Extract(string type, JsonElement resource)
    {
        var rows = new Rows();
        var plan = registry.PlanFor(type);
        foreach (var entry in extractor.ExtractAll(resource))
        {
            if (plan.OfficialCodes.Contains(entry.ParamCode))
                Add(type, entry, rows);
        }
        foreach (var parameter in plan.Custom)
        {
            try
            {
                foreach (var entry in extractor.Extract(resource, parameter))
                    Add(type, entry, rows);
            }
            catch (FhirPath.FhirPathException)
            {
                // A custom expression that does not fit this resource gives it no value, as for the official ones.
            }
        }
        return rows;
    }

    private static void Add(string type, SearchIndexEntry entry, Rows rows)
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
                        rows.Tokens.Add((ParamKey.For(type, t.ParamCode + ParamKey.OfTypeSuffix), t.Code, $"{t.TypeSystem}|{t.TypeCode}"));
                }
                if (t.Text is not null)
                    rows.Strings.Add((ParamKey.For(type, t.ParamCode + ParamKey.TextSuffix), t.TextNormalized!, t.Text));
                break;
            case ReferenceIndexEntry r:
                if (r.ResourceType is not null && r.Id is not null)
                    rows.References.Add((pid, r.Id, r.ResourceType));
                if (r.Url is not null)
                    rows.References.Add((pid, r.Url, ""));
                if (r.IdentifierValue is not null)
                    rows.Tokens.Add((ParamKey.For(type, r.ParamCode + ParamKey.IdentifierSuffix), r.IdentifierValue, r.IdentifierSystem ?? ""));
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

    /// <summary>Replaces the index rows of one resource; <paramref name="rows"/> null marks it deleted.</summary>
    public void Write(SqliteConnection connection, string type, string id, long seq, long lastUpdated, Rows? rows, bool replace)
    {
        var c = _commands.GetValue(connection, static conn => new Commands(conn));
        c.Upsert.Parameters[0].Value = type;
        c.Upsert.Parameters[1].Value = id;
        c.Upsert.Parameters[2].Value = seq;
        c.Upsert.Parameters[3].Value = lastUpdated;
        c.Upsert.Parameters[4].Value = rows is null ? 0 : 1;
        var rid = (long)c.Upsert.ExecuteScalar()!;
        if (replace)
        {
            foreach (var delete in c.Deletes)
            {
                delete.Parameters[0].Value = rid;
                delete.ExecuteNonQuery();
            }
        }
        if (rows is null)
            return;
        foreach (var (pid, value, exact) in rows.Strings)
            Run(c.String, pid, rid, value, exact);
        foreach (var (pid, code, system) in rows.Tokens)
            Run(c.Token, pid, rid, code, system);
        foreach (var (pid, refId, refType) in rows.References)
            Run(c.Reference, pid, rid, refId, refType);
        foreach (var (pid, low, high) in rows.Dates)
        {
            Run(c.Date, pid, rid, low, high);
            if (high - low > LongDate)
                Run(c.DateLong, pid, rid, low, high);
        }
        foreach (var (pid, value) in rows.Numbers)
            Run(c.Number, pid, rid, value);
        foreach (var (pid, code, system, low, high) in rows.Quantities)
            Run(c.Quantity, pid, rid, code, system, low, high);
        foreach (var (pid, uri) in rows.Uris)
            Run(c.Uri, pid, rid, uri);
        foreach (var (pid, c1, c1System, c2, c2System, low, high) in rows.Composites)
            Run(c.Composite, pid, rid, c1, c1System, c2, c2System, low, high);
    }

    private static void Run(SqliteCommand command, long pid, long rid, params object[] values)
    {
        command.Parameters[0].Value = pid;
        command.Parameters[1].Value = rid;
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i + 2].Value = values[i];
        command.ExecuteNonQuery();
    }

    private sealed class Commands
    {
        public Commands(SqliteConnection connection)
        {
            Upsert = Prepare(connection, """
                INSERT INTO search_resource (type, id, seq, last_updated, alive) VALUES ($p1, $p2, $p3, $p4, $p5)
                ON CONFLICT (type, id) DO UPDATE SET seq = excluded.seq, last_updated = excluded.last_updated, alive = excluded.alive
                RETURNING rid
                """, 5);
            Deletes = new[] { "ix_string", "ix_token", "ix_reference", "ix_date", "ix_number", "ix_quantity", "ix_uri", "ix_composite", "ix_date_long" }
                .Select(t => Prepare(connection, $"DELETE FROM {t} WHERE rid = $p1", 1)).ToArray();
            String = Prepare(connection, "INSERT OR IGNORE INTO ix_string (pid, rid, value, exact) VALUES ($p1, $p2, $p3, $p4)", 4);
            Token = Prepare(connection, "INSERT OR IGNORE INTO ix_token (pid, rid, code, system) VALUES ($p1, $p2, $p3, $p4)", 4);
            Reference = Prepare(connection, "INSERT OR IGNORE INTO ix_reference (pid, rid, ref_id, ref_type) VALUES ($p1, $p2, $p3, $p4)", 4);
            Date = Prepare(connection, "INSERT OR IGNORE INTO ix_date (pid, rid, low, high) VALUES ($p1, $p2, $p3, $p4)", 4);
            DateLong = Prepare(connection, "INSERT OR IGNORE INTO ix_date_long (pid, rid, low, high) VALUES ($p1, $p2, $p3, $p4)", 4);
            Number = Prepare(connection, "INSERT OR IGNORE INTO ix_number (pid, rid, value) VALUES ($p1, $p2, $p3)", 3);
            Quantity = Prepare(connection, "INSERT OR IGNORE INTO ix_quantity (pid, rid, code, system, low, high) VALUES ($p1, $p2, $p3, $p4, $p5, $p6)", 6);
            Uri = Prepare(connection, "INSERT OR IGNORE INTO ix_uri (pid, rid, uri) VALUES ($p1, $p2, $p3)", 3);
            Composite = Prepare(connection,
                "INSERT OR IGNORE INTO ix_composite (pid, rid, c1, c1_system, c2, c2_system, low, high) VALUES ($p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)", 8);
        }

        public SqliteCommand Upsert { get; }
        public SqliteCommand[] Deletes { get; }
        public SqliteCommand String { get; }
        public SqliteCommand Token { get; }
        public SqliteCommand Reference { get; }
        public SqliteCommand Date { get; }
        public SqliteCommand DateLong { get; }
        public SqliteCommand Number { get; }
        public SqliteCommand Quantity { get; }
        public SqliteCommand Uri { get; }
        public SqliteCommand Composite { get; }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql, int parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 1; i <= parameters; i++)
                command.Parameters.Add(new SqliteParameter("$p" + i, null));
            return command;
        }
    }
}
