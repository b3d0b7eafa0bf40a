using System.Text.Json;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// Moves the AuditEvents that a database of an earlier version kept in the portal file into the audit file
/// (<see cref="AuditFile"/>), at start before requests are served: every version in order, the current one indexed
/// again there, then their rows deleted from the portal file, <see cref="BatchSize"/> resources per write, with progress
/// in the log. A start that stops half-way goes on where it stopped: resources the audit file has already are only
/// deleted from the portal file.
/// </summary>
public static class AuditFileMove
{
    public const int BatchSize = 200;

    private static readonly string[] IndexTables = AuditFile.Tables.Where(t => t.StartsWith("ix_", StringComparison.Ordinal)).ToArray();

    public static long Run(SqliteResourceStore portal, SearchIndexer indexer, ILogger logger)
    {
        long moved = 0;
        foreach (var type in AuditFile.Types)
        {
            var total = Count(portal, type);
            if (total == 0)
                continue;
            logger.LogWarning("Moving {Total} {Type} resources from the portal file into the audit file", total, type);
            long done = 0;
            while (true)
            {
                var batch = ReadBatch(portal, type);
                if (batch.Count == 0)
                    break;
                portal.Audit.WriteAsync(session =>
                {
                    var connection = (SqliteConnection)session.Connection;
                    foreach (var (id, versions) in batch)
                    {
                        if (session.ReadCurrent(type, id) is not null)
                            continue;
                        foreach (var v in versions)
                        {
                            var stored = session.Append(type, id, v.Number, DateTimeOffset.FromUnixTimeMilliseconds(v.LastUpdated), v.Method, v.Json);
                            if (v == versions[^1] && v.Json is not null)
                            {
                                using var document = JsonDocument.Parse(v.Json);
                                indexer.Write(connection, type, id, stored.Seq, v.LastUpdated, indexer.Extract(type, document.RootElement), replace: false);
                            }
                        }
                    }
                    return 0;
                }).GetAwaiter().GetResult();
                portal.WriteAsync(session => Delete((SqliteConnection)session.Connection, type, batch.Select(b => b.Id).ToList())).GetAwaiter().GetResult();
                done += batch.Count;
                logger.LogWarning("Moved {Done}/{Total} {Type} resources into the audit file", done, total, type);
            }
            moved += done;
        }
        return moved;
    }

    private sealed record Version(long Number, long LastUpdated, string Method, byte[]? Json);

    private static long Count(SqliteResourceStore portal, string type)
    {
        using var connection = portal.OpenConnection(attach: false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM resource WHERE type = $type";
        command.Parameters.AddWithValue("$type", type);
        return (long)command.ExecuteScalar()!;
    }

    private static List<(string Id, List<Version> Versions)> ReadBatch(SqliteResourceStore portal, string type)
    {
        using var connection = portal.OpenConnection(attach: false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT v.id, v.version, v.last_updated, v.method, v.json
            FROM (SELECT id FROM resource WHERE type = $type ORDER BY id LIMIT $n) r
            JOIN resource_version v ON v.type = $type AND v.id = r.id
            ORDER BY v.id, v.version
            """;
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$n", BatchSize);
        using var reader = command.ExecuteReader();
        var batch = new List<(string Id, List<Version> Versions)>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            if (batch.Count == 0 || batch[^1].Id != id)
                batch.Add((id, []));
            batch[^1].Versions.Add(new Version(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4)));
        }
        return batch;
    }

    private static int Delete(SqliteConnection connection, string type, List<string> ids)
    {
        using var command = connection.CreateCommand();
        var list = "SELECT value FROM json_each($ids)";
        var rids = $"SELECT rid FROM main.search_resource WHERE type = $type AND id IN ({list})";
        command.CommandText = string.Concat(IndexTables.Select(t => $"DELETE FROM main.{t} WHERE rid IN ({rids});")) +
            $"DELETE FROM main.search_resource WHERE type = $type AND id IN ({list});" +
            $"DELETE FROM main.resource WHERE type = $type AND id IN ({list});" +
            $"DELETE FROM main.resource_version WHERE type = $type AND id IN ({list});";
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        return command.ExecuteNonQuery();
    }
}
