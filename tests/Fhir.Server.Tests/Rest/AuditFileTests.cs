using System.Net;
using System.Text.Json;
using Fhir.Server.Features.Resources;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Fhir.Server.Tests.Search;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fhir.Server.Tests.Rest;

/// <summary>
/// AuditEvents live in the audit file (<see cref="AuditFile"/>), apart from the portal file, and every FHIR interaction
/// still sees them as before: read, search, chains, includes both ways, searches over both files, and the history of
/// every type.
/// </summary>
public class AuditFileTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private SqliteResourceStore Store => factory.Services.GetRequiredService<SqliteResourceStore>();

    private static string AuditEvent(string patient, string? id = null) => $$$"""
        {"resourceType":"AuditEvent",{{{(id is null ? "" : $"\"id\":\"{id}\",")}}}
         "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
         "action":"R","recorded":"2026-11-22T10:00:00Z",
         "agent":[{"who":{"reference":"Practitioner/file-gp"},"requestor":true}],
         "source":{"observer":{"reference":"Organization/file-practice"}},
         "entity":[{"what":{"reference":"Patient/{{{patient}}}"}}]}
        """;

    private async Task<string> WriteAuditEvent(string patient, string id)
    {
        var service = factory.Services.GetRequiredService<ResourceService>();
        var outcome = await service.UpdateAsync("AuditEvent", id, JsonDocument.Parse(AuditEvent(patient, id)), null);
        return outcome.Resource.Id;
    }

    private async Task PutPatient(string id)
    {
        var response = await _client.PutAsync($"/fhir/Patient/{id}", FhirHttp.Json($$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"Bestandsen"}]}"""));
        Assert.True(response.IsSuccessStatusCode, (await response.ReadJsonAsync()).Diagnostics());
    }

    private async Task<List<string>> Ids(string url, string mode = "match")
    {
        var response = await _client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.Diagnostics());
        return SearchFixture.IdsOf(body, mode);
    }

    private static long Scalar(SqliteConnection connection, string sql, string id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L);
    }

    [Fact]
    public async Task AnAuditEvent_IsStoredInTheAuditFile_NumberedApart_AndFoundByEveryInteraction()
    {
        await PutPatient("file-p1");
        await WriteAuditEvent("file-p1", "file-ae1");

        using (var portal = Store.OpenConnection(attach: false))
        {
            Assert.Equal(0, Scalar(portal, "SELECT COUNT(*) FROM resource WHERE type = 'AuditEvent' AND id = $id", "file-ae1"));
            Assert.Equal(0, Scalar(portal, "SELECT COUNT(*) FROM search_resource WHERE type = 'AuditEvent' AND id = $id", "file-ae1"));
        }
        using (var audit = Store.Audit.OpenConnection())
        {
            Assert.True(Scalar(audit, "SELECT rid FROM search_resource WHERE type = 'AuditEvent' AND id = $id", "file-ae1") >= AuditFile.RowBase);
            Assert.True(Scalar(audit, "SELECT current_seq FROM resource WHERE type = 'AuditEvent' AND id = $id", "file-ae1") >= AuditFile.RowBase);
        }

        var read = await _client.GetAsync("/fhir/AuditEvent/file-ae1");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(["file-ae1"], await Ids("/fhir/AuditEvent?entity=Patient/file-p1&agent=Practitioner/file-gp"));
        Assert.Equal(["file-ae1"], await Ids("/fhir/AuditEvent?patient.family=Bestandsen&agent=Practitioner/file-gp&_id=file-ae1"));
        Assert.Equal(["file-p1"], await Ids("/fhir/AuditEvent?_id=file-ae1&_include=AuditEvent:entity", "include"));
        Assert.Contains("file-ae1", await Ids("/fhir/Patient?_id=file-p1&_revinclude=AuditEvent:entity", "include"));
        Assert.Equal(["file-p1"], await Ids("/fhir/Patient?_id=file-p1&_has:AuditEvent:entity:agent=Practitioner/file-gp"));
        Assert.Equal(["file-ae1"], await Ids("/fhir/Patient/file-p1/AuditEvent?_id=file-ae1"));
        // Both files in one search: the system-wide search and _type of both.
        var both = await Ids("/fhir?_type=AuditEvent,Patient&_id=file-ae1,file-p1&_sort=_id");
        Assert.Equal(["file-ae1", "file-p1"], both);
        Assert.Equal(["file-ae1", "file-p1"], await Ids("/fhir?_id=file-ae1,file-p1&_sort=_id"));
    }

    [Fact]
    public void APooledConnection_HasTheAuditFileAttachedExactlyWhenAskedFor()
    {
        static bool Attached(SqliteConnection connection) =>
            Scalar(connection, $"SELECT COUNT(*) FROM pragma_database_list WHERE name = '{AuditFile.Schema}' AND $id <> ''", "-") == 1;
        // The same pooled handle serves both: the portal writer's connection must not keep the file (BEGIN IMMEDIATE would lock it).
        using (var searching = Store.OpenConnection())
            Assert.True(Attached(searching));
        using (var writing = Store.OpenConnection(attach: false))
            Assert.False(Attached(writing));
        using (var searchingAgain = Store.OpenConnection())
            Assert.True(Attached(searchingAgain));
    }

    [Fact]
    public async Task HistoryOfEveryType_MergesBothFiles_NewestFirst_PageByPage()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var written = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await PutPatient($"hist-p{i}");
            written.Add($"hist-p{i}");
            await Task.Delay(5);
            await WriteAuditEvent($"hist-p{i}", $"hist-ae{i}");
            written.Add($"hist-ae{i}");
            await Task.Delay(5);
        }
        var seen = new List<string>();
        var url = $"/fhir/_history?_count=2&_since={Uri.EscapeDataString(since.ToString("o"))}";
        var pages = 0;
        while (url is not null && pages++ < 100)
        {
            var response = await _client.GetAsync(url);
            var body = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.Diagnostics());
            foreach (var entry in body.GetProperty("entry").EnumerateArray())
                seen.Add(entry.GetProperty("resource").GetProperty("id").GetString()!);
            url = body.GetProperty("link").EnumerateArray().FirstOrDefault(l => l.GetProperty("relation").GetString() == "next") is { ValueKind: JsonValueKind.Object } next
                ? new Uri(next.GetProperty("url").GetString()!).PathAndQuery
                : null;
        }
        // The access log writes AuditEvents of its own meanwhile: ours come newest first, each once.
        var ours = seen.Where(written.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(written).ToList(), ours);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task AuditEventsAnEarlierVersionKeptInThePortalFile_AreMovedIntoTheAuditFile()
    {
        await PutPatient("moved-p1");
        using (var portal = Store.OpenConnection(attach: false))
        using (var insert = portal.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO resource_version (type, id, version, last_updated, method, json) VALUES ('AuditEvent', 'moved-ae1', 1, 1763800000000, 'POST', $json);
                INSERT INTO resource (type, id, version, current_seq, deleted) VALUES ('AuditEvent', 'moved-ae1', 1, last_insert_rowid(), 0);
                INSERT INTO search_resource (type, id, seq, last_updated, alive) SELECT 'AuditEvent', 'moved-ae1', current_seq, 1763800000000, 1 FROM resource WHERE type = 'AuditEvent' AND id = 'moved-ae1';
                INSERT INTO ix_token (pid, code, system, rid) SELECT 1, 'R', '', rid FROM search_resource WHERE type = 'AuditEvent' AND id = 'moved-ae1';
                """;
            insert.Parameters.AddWithValue("$json", System.Text.Encoding.UTF8.GetBytes(AuditEvent("moved-p1", "moved-ae1")));
            insert.ExecuteNonQuery();
        }

        var moved = AuditFileMove.Run(Store, factory.Services.GetRequiredService<SearchIndexer>(), NullLogger.Instance);

        Assert.Equal(1, moved);
        using (var portal = Store.OpenConnection(attach: false))
        {
            Assert.Equal(0, Scalar(portal, "SELECT COUNT(*) FROM resource_version WHERE type = 'AuditEvent' AND id = $id", "moved-ae1"));
            Assert.Equal(0, Scalar(portal, "SELECT COUNT(*) FROM search_resource WHERE type = 'AuditEvent' AND id = $id", "moved-ae1"));
            Assert.Equal(0, Scalar(portal, "SELECT COUNT(*) FROM ix_token WHERE pid = 1 AND code = 'R' AND system = '' AND rid > 0 AND $id <> ''", "moved-ae1"));
        }
        Assert.Equal(["moved-ae1"], await Ids("/fhir/AuditEvent?entity=Patient/moved-p1&agent=Practitioner/file-gp"));
        Assert.Equal(0, AuditFileMove.Run(Store, factory.Services.GetRequiredService<SearchIndexer>(), NullLogger.Instance));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostBundle(string type, string entries)
    {
        var response = await _client.PostAsync("/fhir", FhirHttp.Json($$"""{"resourceType":"Bundle","type":"{{type}}","entry":[{{entries}}]}"""));
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    private static string PostEntry(string resource) =>
        $$$"""{"resource":{{{resource}}},"request":{"method":"POST","url":"{{{JsonDocument.Parse(resource).RootElement.GetProperty("resourceType").GetString()}}}"}}""";

    private static long AuditEventsIn(SqliteResourceStore store, string patient)
    {
        using var connection = store.OpenConnection(attach: false);
        return Scalar(connection, "SELECT COUNT(*) FROM resource_version WHERE type = 'AuditEvent' AND CAST(json AS TEXT) LIKE '%' || $id || '%'", patient);
    }

    // AuditEvents are written by the server's access log only: the access policy refuses them in every kind of write
    // (403) before a bundle reaches a store, so the portal writer's guard against them is never what answers.

    [Fact]
    public async Task Batch_WithAnAuditEvent_RefusesThatEntryAlone()
    {
        var (status, body) = await PostBundle("batch",
            PostEntry(AuditEvent("batch-p1")) + "," + PostEntry("""{"resourceType":"Patient","name":[{"family":"Batchen"}]}"""));

        Assert.True(status == HttpStatusCode.OK, body.Diagnostics());
        var statuses = body.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("response").GetProperty("status").GetString()).ToList();
        Assert.Equal(["403 Forbidden", "201 Created"], statuses);
        Assert.Equal(0, AuditEventsIn(Store.Audit, "batch-p1"));
        Assert.Equal(0, AuditEventsIn(Store, "batch-p1"));
    }

    [Fact]
    public async Task Transaction_WithAnAuditEvent_Is403_AndChangesNothing()
    {
        var (status, body) = await PostBundle("transaction",
            PostEntry(AuditEvent("txmix-p1")) + "," + PostEntry("""{"resourceType":"Patient","name":[{"family":"Gemengd-txmix"}]}"""));

        Assert.True(status == HttpStatusCode.Forbidden, body.Diagnostics());
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
        Assert.Contains("AuditEvent", body.Diagnostics());
        Assert.Equal(0, AuditEventsIn(Store.Audit, "txmix-p1"));
        Assert.Empty(await Ids("/fhir/Patient?family=Gemengd-txmix"));
    }

    [Fact]
    public async Task ConditionalCreateAndUpdate_OfAnAuditEvent_Are403()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/fhir/AuditEvent") { Content = FhirHttp.Json(AuditEvent("cond-p1")) };
        create.Headers.Add("If-None-Exist", "entity=Patient/cond-p1");
        var created = await _client.SendAsync(create);
        var updated = await _client.PutAsync("/fhir/AuditEvent?entity=Patient/cond-p1", FhirHttp.Json(AuditEvent("cond-p1")));

        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, updated.StatusCode);
        Assert.Equal(0, AuditEventsIn(Store.Audit, "cond-p1"));
    }
}
