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
/// The pairs are declared here like database indexes; a pair added later is filled from the existing index rows
/// at the next start (<see cref="Backfill"/>).
/// </summary>
public sealed class ReferenceDateIndex(SqliteResourceStore store, ILogger<ReferenceDateIndex> logger)
{
    /// <summary>A reference parameter and a date parameter of one resource type, indexed together.</summary>
    public sealed record Pair(string Type, string Reference, string Date)
    {
        /// <summary>The pid of the pair's rows in ix_reference_date.</summary>
        public long Key { get; } = ParamKey.For(Type, Reference, "+" + Date);

        public long ReferencePid { get; } = ParamKey.For(Type, Reference);

        public long DatePid { get; } = ParamKey.For(Type, Date);
    }

    public static readonly IReadOnlyList<Pair> Pairs =
    [
        new("Appointment", "actor", "date"),
        new("Appointment", "practitioner", "date"),
        new("Communication", "recipient", "sent"),
        new("Slot", "schedule", "start"),
    ];

    private static readonly Dictionary<string, Pair[]> ByType = Pairs.GroupBy(p => p.Type, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>The pairs of <paramref name="type"/> (none for most types).</summary>
    public static IReadOnlyList<Pair> For(string type) => ByType.TryGetValue(type, out var pairs) ? pairs : [];

    public static Pair? Find(string type, string reference, string date) =>
        For(type).FirstOrDefault(p => p.Reference == reference && p.Date == date);

    /// <summary>Adds the pair rows of one resource to <paramref name="rows"/>, from its reference and date rows.</summary>
    public static void AddRows(string type, SearchIndexer.Rows rows)
    {
        foreach (var pair in For(type))
        {
            foreach (var reference in rows.References)
            {
                if (reference.Pid != pair.ReferencePid)
                    continue;
                foreach (var date in rows.Dates)
                {
                    if (date.Pid == pair.DatePid)
                        rows.ReferenceDates.Add((pair.Key, reference.RefId, reference.RefType, date.Low, date.High));
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
                fill.CommandText = """
                    INSERT OR IGNORE INTO ix_reference_date (pid, ref_id, ref_type, low, high, rid)
                    SELECT $key, r.ref_id, r.ref_type, d.low, d.high, r.rid
                    FROM (SELECT ref_id, ref_type, rid FROM ix_reference WHERE pid = $ref
                          UNION ALL SELECT ref_id, ref_type, rid FROM ix_reference_pending WHERE pid = $ref) r
                    CROSS JOIN ix_date d ON d.rid = r.rid AND d.pid = $date
                    ORDER BY 1, 2, 3, 4, 5, 6
                    """;
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
