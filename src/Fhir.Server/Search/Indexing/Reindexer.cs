using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// Rewrites the index rows of stored resources, in batches through the store's writer, with progress in the log. A
/// resource changed meanwhile is skipped: its new version was indexed already.
/// <list type="bullet">
/// <item><c>$reindex</c> of one resource type reads the stored SearchParameter resources again and rewrites every current
/// resource of the type. https://hl7.org/fhir/R4/searchparameter.html</item>
/// <item><see cref="BackfillContained"/> indexes the contained resources of containers written before migration 0007.</item>
/// </list>
/// </summary>
public sealed class Reindexer(SqliteResourceStore portal, SearchIndexer indexer, SearchParameterRegistry registry, ILogger<Reindexer> logger)
{
    private const int BatchSize = 500;

    /// <summary>The mark migration 0007 leaves in search_backfill until <see cref="BackfillContained"/> has run.</summary>
    private const string ContainedMark = "contained";

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
        return await RewriteAsync(store, $"r.type = {Quote(type)}", $"{type} resources", total, ct);
    }

    /// <summary>
    /// Indexes the contained resources of the current versions that have any (and the references to them), once, before
    /// the host serves searches; a database created with migration 0007 has nothing to do. The audit file's types contain
    /// nothing that is indexed (<see cref="SearchIndexer.Extract"/>), so its mark is only dropped.
    /// </summary>
    public void BackfillContained()
    {
        foreach (var store in new[] { portal, portal.Audit })
        {
            if (!HasMark(store))
                continue;
            if (store == portal)
            {
                logger.LogInformation("Indexing the contained resources of resources stored before they were indexed");
                var done = RewriteAsync(store, "instr(v.json, CAST('\"contained\"' AS BLOB)) > 0", "resources that may contain others", null, CancellationToken.None)
                    .GetAwaiter().GetResult();
                logger.LogInformation("Indexed the contained resources of {Done} resources", done);
            }
            store.WriteAsync(session =>
            {
                using var drop = ((SqliteConnection)session.Connection).CreateCommand();
                drop.CommandText = $"DELETE FROM search_backfill WHERE name = '{ContainedMark}'";
                return drop.ExecuteNonQuery();
            }).GetAwaiter().GetResult();
        }
    }

    private static bool HasMark(SqliteResourceStore store)
    {
        using var connection = store.OpenConnection();
        using var read = connection.CreateCommand();
        read.CommandText = $"SELECT COUNT(*) FROM search_backfill WHERE name = '{ContainedMark}'";
        return (long)read.ExecuteScalar()! > 0;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Rewrites the index rows of the current resources that meet <paramref name="where"/> (SQL on r, resource, and v, its version).</summary>
    private async Task<long> RewriteAsync(SqliteResourceStore store, string where, string what, long? total, CancellationToken ct)
    {
        long done = 0;
        var (afterType, afterId) = ("", "");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var batch = new List<(string Type, string Id, long Seq, long LastUpdated, SearchIndexer.Rows Rows)>(BatchSize);
            using (var connection = store.OpenConnection())
            using (var read = connection.CreateCommand())
            {
                read.CommandText = $"""
                    SELECT r.type, r.id, v.seq, v.last_updated, v.json FROM resource r JOIN resource_version v ON v.seq = r.current_seq
                    WHERE r.deleted = 0 AND (r.type, r.id) > ($type, $after) AND {where} ORDER BY r.type, r.id LIMIT $limit
                    """;
                read.Parameters.AddWithValue("$type", afterType);
                read.Parameters.AddWithValue("$after", afterId);
                read.Parameters.AddWithValue("$limit", BatchSize);
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    var type = reader.GetString(0);
                    using var document = System.Text.Json.JsonDocument.Parse((byte[])reader.GetValue(4));
                    batch.Add((type, reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), indexer.Extract(type, document.RootElement)));
                }
            }
            if (batch.Count == 0)
                break;
            (afterType, afterId) = (batch[^1].Type, batch[^1].Id);
            await store.WriteAsync(session =>
            {
                foreach (var (type, id, seq, lastUpdated, rows) in batch)
                {
                    if (session.ReadCurrent(type, id)?.Seq == seq)
                        indexer.Write((SqliteConnection)session.Connection, type, id, seq, lastUpdated, rows, replace: true);
                }
                return 0;
            }, ct);
            done += batch.Count;
            if (total is { } all)
                logger.LogInformation("Reindexed {Done}/{Total} {What}", done, all, what);
            else
                logger.LogInformation("Reindexed {Done} {What}", done, what);
        }
        return done;
    }
}
