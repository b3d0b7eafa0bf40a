using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// Index rows that hold a reference and a date of one resource together (<c>ix_reference_date</c>, migration 0005),
/// for the searches whose sets grow with the history when each parameter has its own index: one practitioner's
/// appointments on one day (<c>Appointment?actor=..&amp;date=ge..&amp;date=lt..</c>) and one GP's messages in date
/// order (<c>Communication?recipient=..&amp;_sort=sent</c>). A row per pair of values (each actor with each date),
/// keyed (pair, reference, low, high, rid): a range of one reference's dates is one bounded scan, and a walk of one
/// reference's rows visits its resources in date order.
/// A pair may also hold a token parameter (<see cref="Pair.Token"/>): its rows are one per reference, code and date, and a
/// search with that code walks only the resources that have it: one GP's open messages by sent
/// (<c>Communication?recipient=..&amp;status=in-progress&amp;_sort=sent</c>) instead of all their messages, three in four
/// of which the walk would read only to drop.
/// The pairs are declared here like database indexes; a pair added later is filled from the existing index rows
/// at the next start (<see cref="Backfill"/>).
/// </summary>
public sealed class ReferenceDateIndex(SqliteResourceStore store, ILogger<ReferenceDateIndex> logger)
{
    /// <summary>
    /// A reference parameter and a date parameter of one resource type, indexed together; with <paramref name="Token"/>, a
    /// token parameter too, whose code is kept with the reference in the row's ref_id (<see cref="RefId"/>).
    /// </summary>
    public sealed record Pair(string Type, string Reference, string Date, string? Token = null)
    {
        /// <summary>The pid of the pair's rows in ix_reference_date.</summary>
        public long Key { get; } = ParamKey.For(Type, Reference, "+" + Date + (Token is null ? "" : "+" + Token));

        public long ReferencePid { get; } = ParamKey.For(Type, Reference);

        public long DatePid { get; } = ParamKey.For(Type, Date);

        public long TokenPid { get; } = Token is null ? 0 : ParamKey.For(Type, Token);

        /// <summary>
        /// The ref_id of a row: the referenced id, and with a token the code after a bar. Resource ids hold no bar
        /// ([A-Za-z0-9.-]), so rows of different ids never share a value.
        /// </summary>
        public string RefId(string id, string? code) => Token is null ? id : id + "|" + code;
    }

    /// <summary>Pairs with a token come first: a search that has the token's code walks those rows rather than the plain pair's.</summary>
    public static readonly IReadOnlyList<Pair> Pairs =
    [
        new("Communication", "recipient", "sent", Token: "status"),
        new("Appointment", "actor", "date"),
        new("Appointment", "practitioner", "date"),
        new("Communication", "recipient", "sent"),
        new("Slot", "schedule", "start"),
    ];

    private static readonly Dictionary<string, Pair[]> ByType = Pairs.GroupBy(p => p.Type, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>The pairs of <paramref name="type"/> (none for most types).</summary>
    public static IReadOnlyList<Pair> For(string type) => ByType.TryGetValue(type, out var pairs) ? pairs : [];

    public static Pair? Find(string type, string reference, string date, string? token = null) =>
        For(type).FirstOrDefault(p => p.Reference == reference && p.Date == date && p.Token == token);

    /// <summary>Adds the pair rows of one resource to <paramref name="rows"/>, from its reference and date rows.</summary>
    public static void AddRows(string type, SearchIndexer.Rows rows)
    {
        foreach (var pair in For(type))
        {
            var codes = pair.Token is null ? null : rows.Tokens.Where(t => t.Pid == pair.TokenPid).Select(t => t.Code).Distinct(StringComparer.Ordinal).ToList();
            foreach (var reference in rows.References)
            {
                if (reference.Pid != pair.ReferencePid)
                    continue;
                foreach (var date in rows.Dates)
                {
                    if (date.Pid != pair.DatePid)
                        continue;
                    if (codes is null)
                    {
                        rows.ReferenceDates.Add((pair.Key, reference.RefId, reference.RefType, date.Low, date.High));
                        continue;
                    }
                    foreach (var code in codes)
                        rows.ReferenceDates.Add((pair.Key, pair.RefId(reference.RefId, code), reference.RefType, date.Low, date.High));
                }
            }
        }
    }

    /// <summary>
    /// Fills the rows of declared pairs that the database does not have yet (a new database, or a pair declared
    /// after its resources were written), from ix_reference and ix_date, before the host serves searches.
    /// </summary>
    public void Backfill()
    {
        using var connection = store.OpenConnection();
        var filled = new HashSet<long>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT pid FROM ix_reference_date_pair";
            using var reader = read.ExecuteReader();
            while (reader.Read())
                filled.Add(reader.GetInt64(0));
        }
        var declared = Pairs.Select(p => p.Key).ToHashSet();
        foreach (var stale in filled.Where(pid => !declared.Contains(pid)))
        {
            // A pair no longer declared is no longer kept up to date: drop its rows, so that declaring it again fills it anew.
            store.WriteAsync(session =>
            {
                using var drop = ((SqliteConnection)session.Connection).CreateCommand();
                drop.CommandText = "DELETE FROM ix_reference_date WHERE pid = $key; DELETE FROM ix_reference_date_pair WHERE pid = $key";
                drop.Parameters.AddWithValue("$key", stale);
                return drop.ExecuteNonQuery();
            }).GetAwaiter().GetResult();
        }
        foreach (var pair in Pairs.Where(p => !filled.Contains(p.Key)))
        {
            var rows = store.WriteAsync(session =>
            {
                var c = (SqliteConnection)session.Connection;
                using var fill = c.CreateCommand();
                var (refId, token) = pair.Token is null
                    ? ("r.ref_id", "")
                    : ("r.ref_id || '|' || t.code", "CROSS JOIN ix_token t ON t.rid = r.rid AND t.pid = $token");
                fill.CommandText = $"""
                    INSERT OR IGNORE INTO ix_reference_date (pid, ref_id, ref_type, low, high, rid)
                    SELECT $key, {refId}, r.ref_type, d.low, d.high, r.rid
                    FROM (SELECT ref_id, ref_type, rid FROM ix_reference WHERE pid = $ref
                          UNION ALL SELECT ref_id, ref_type, rid FROM ix_reference_pending WHERE pid = $ref) r
                    CROSS JOIN ix_date d ON d.rid = r.rid AND d.pid = $date
                    {token}
                    ORDER BY 1, 2, 3, 4, 5, 6
                    """;
                fill.Parameters.AddWithValue("$token", pair.TokenPid);
                fill.Parameters.AddWithValue("$key", pair.Key);
                fill.Parameters.AddWithValue("$ref", pair.ReferencePid);
                fill.Parameters.AddWithValue("$date", pair.DatePid);
                var count = fill.ExecuteNonQuery();
                using var mark = c.CreateCommand();
                mark.CommandText = "INSERT INTO ix_reference_date_pair (pid) VALUES ($key)";
                mark.Parameters.AddWithValue("$key", pair.Key);
                mark.ExecuteNonQuery();
                return count;
            }).GetAwaiter().GetResult();
            if (rows > 0)
                logger.LogInformation("Indexed {Reference} with {Date} of {Rows} {Type} index rows together", pair.Reference, pair.Date, rows, pair.Type);
        }
    }
}
