using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// <c>$reindex</c> of one resource type: reads the stored SearchParameter resources again and rewrites
/// the index rows of every current resource of the type, in batches through the store's writer, with
/// progress in the log. A resource changed meanwhile is skipped: its new version was indexed already.
/// https://hl7.org/fhir/R4/searchparameter.html
/// </summary>
public sealed class Reindexer(SqliteResourceStore portal, SearchIndexer indexer, SearchParameterRegistry registry, ILogger<Reindexer> logger)
{
    private const int BatchSize = 500;

    public async Task<long> ReindexAsync(string type, CancellationToken ct)
    {
        registry.Refresh();
        var store = AuditFile.Holds(type) ? portal.Audit : portal;
        long total;
        using (var connection = store.OpenConnection())
        using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM resource WHERE type = $type AND deleted = 0";
            count.Parameters.AddWithValue("$type", type);
            total = (long)count.ExecuteScalar()!;
        }
        logger.LogInformation("Reindexing {Total} {Type} resources", total, type);
        long done = 0;
        var after = "";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var batch = new List<(string Id, long Seq, long LastUpdated, SearchIndexer.Rows Rows)>(BatchSize);
            using (var connection = store.OpenConnection())
            using (var read = connection.CreateCommand())
            {
                read.CommandText = """
                    SELECT r.id, v.seq, v.last_updated, v.json FROM resource r JOIN resource_version v ON v.seq = r.current_seq
                    WHERE r.type = $type AND r.deleted = 0 AND r.id > $after ORDER BY r.id LIMIT $limit
                    """;
                read.Parameters.AddWithValue("$type", type);
                read.Parameters.AddWithValue("$after", after);
                read.Parameters.AddWithValue("$limit", BatchSize);
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    using var document = System.Text.Json.JsonDocument.Parse((byte[])reader.GetValue(3));
                    batch.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), indexer.Extract(type, document.RootElement)));
                }
            }
            if (batch.Count == 0)
                break;
            after = batch[^1].Id;
            await store.WriteAsync(session =>
            {
                foreach (var (id, seq, lastUpdated, rows) in batch)
                {
                    if (session.ReadCurrent(type, id)?.Seq == seq)
                        indexer.Write((SqliteConnection)session.Connection, type, id, seq, lastUpdated, rows, replace: true);
                }
                return 0;
            }, ct);
            done += batch.Count;
            logger.LogInformation("Reindexed {Done}/{Total} {Type} resources", done, total, type);
        }
        return done;
    }
}
