using System.Net;
using System.Text.Json;
using Fhir.Server.Features.Resources;
using Fhir.Server.Search;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// The reference rows of new AuditEvents wait in ix_reference_pending and move into ix_reference in key order;
/// every search that reads them merges first, so what they find never depends on when the merge ran. AuditEvents live
/// in the audit file (<see cref="AuditFile"/>), so the tests write them through its store.
/// </summary>
public class PendingReferencesTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static string AuditEvent(string patient, string action = "R", string? id = null) => $$$"""
        {"resourceType":"AuditEvent",{{{(id is null ? "" : $"\"id\":\"{id}\",")}}}
         "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
         "action":"{{{action}}}","recorded":"2026-11-22T10:00:00Z",
         "agent":[{"who":{"reference":"Practitioner/pending-gp"},"requestor":true}],
         "source":{"observer":{"reference":"Organization/pending-practice"}},
         "entity":[{"what":{"reference":"Patient/{{{patient}}}"}}]}
        """;

    private static long Count(SqliteConnection connection, string table, string id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} x JOIN search_resource r ON r.rid = x.rid WHERE r.type = 'AuditEvent' AND r.id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (long)command.ExecuteScalar()!;
    }

    private IResourceStore AuditStore => factory.Services.GetRequiredService<SqliteResourceStore>().Audit;

    private async Task<List<string>> Ids(string url, string mode = "match")
    {
        var response = await _client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.Diagnostics());
        return SearchFixture.IdsOf(body, mode);
    }

    [Fact]
    public async Task NewAuditEvent_ReferenceRowsWait_AndMergeMovesThemIntoTheIndex()
    {
        var store = AuditStore;
        var service = factory.Services.GetRequiredService<ResourceService>();
        using var document = JsonDocument.Parse(AuditEvent("pending-direct"));
        var validated = service.Validate(document.RootElement, "AuditEvent");
        // One unit of work, so the background merge cannot run in between.
        var (waiting, indexed, waitingAfter, indexedAfter) = await store.WriteAsync(session =>
        {
            var connection = (SqliteConnection)session.Connection;
            service.CreateIn(session, validated, "pending-direct");
            var before = (Count(connection, "ix_reference_pending", "pending-direct"), Count(connection, "ix_reference", "pending-direct"));
            PendingReferences.Merge(connection, int.MaxValue);
            return (before.Item1, before.Item2, Count(connection, "ix_reference_pending", "pending-direct"), Count(connection, "ix_reference", "pending-direct"));
        });
        // agent and entity: two reference rows (patient is answered from them), first waiting, then all in ix_reference.
        Assert.Equal(2, waiting);
        Assert.Equal(0, indexed);
        Assert.Equal(0, waitingAfter);
        Assert.Equal(2, indexedAfter);
    }

    [Fact]
    public async Task Merge_TakesTheOldestResourcesFirst_AtMostAboutMaxRows()
    {
        var store = AuditStore;
        var service = factory.Services.GetRequiredService<ResourceService>();
        var (first, merged, rest) = await store.WriteAsync(session =>
        {
            var connection = (SqliteConnection)session.Connection;
            PendingReferences.Merge(connection, int.MaxValue);
            for (var i = 0; i < 3; i++)
            {
                using var document = JsonDocument.Parse(AuditEvent($"pending-chunk-{i}"));
                service.CreateIn(session, service.Validate(document.RootElement, "AuditEvent"), $"pending-chunk-{i}");
            }
            // 3 rows asked: the second AuditEvent's rows all go along (rows of one resource stay together).
            var moved = PendingReferences.Merge(connection, 3);
            return (Count(connection, "ix_reference", "pending-chunk-0"), moved, Count(connection, "ix_reference_pending", "pending-chunk-2"));
        });
        Assert.Equal(2, first);
        Assert.Equal(4, merged);
        Assert.Equal(2, rest);
    }

    [Fact]
    public async Task Merge_UpToARid_LeavesLaterRowsWaiting()
    {
        var store = AuditStore;
        var service = factory.Services.GetRequiredService<ResourceService>();
        var (moved, first, second) = await store.WriteAsync(session =>
        {
            var connection = (SqliteConnection)session.Connection;
            PendingReferences.Merge(connection, int.MaxValue);
            for (var i = 0; i < 2; i++)
            {
                using var document = JsonDocument.Parse(AuditEvent($"pending-upto-{i}"));
                service.CreateIn(session, service.Validate(document.RootElement, "AuditEvent"), $"pending-upto-{i}");
            }
            using var rid = connection.CreateCommand();
            rid.CommandText = "SELECT rid FROM search_resource WHERE type = 'AuditEvent' AND id = 'pending-upto-0'";
            var merged = PendingReferences.Merge(connection, int.MaxValue, (long)rid.ExecuteScalar()!);
            return (merged, Count(connection, "ix_reference", "pending-upto-0"), Count(connection, "ix_reference_pending", "pending-upto-1"));
        });
        Assert.Equal(2, moved);
        Assert.Equal(2, first);
        Assert.Equal(2, second);
    }

    /// <summary>AuditEvents are the server's own record (REST clients may not write them), so the tests write them as the access log does: through the store.</summary>
    private async Task<string> Write(string patient, string action = "R", string? id = null)
    {
        var store = AuditStore;
        var service = factory.Services.GetRequiredService<ResourceService>();
        using var document = JsonDocument.Parse(AuditEvent(patient, action, id));
        var validated = service.Validate(document.RootElement, "AuditEvent");
        return await store.WriteAsync(session => id is null
            ? service.CreateIn(session, validated).Id
            : service.PutIn(session, validated, id, null).Resource.Id);
    }

    [Fact]
    public async Task Search_FindsANewAuditEvent_ByEntityPatientAgentHasAndRevinclude()
    {
        var id = await Write("pending-search");
        Assert.Equal([id], await Ids("/fhir/AuditEvent?entity=Patient/pending-search&agent=Practitioner/pending-gp"));
        Assert.Equal([id], await Ids("/fhir/AuditEvent?patient=pending-search&agent=Practitioner/pending-gp"));

        var patient = await _client.PutAsync("/fhir/Patient/pending-search", FhirHttp.Json("""{"resourceType":"Patient","id":"pending-search"}"""));
        Assert.True(patient.IsSuccessStatusCode);
        var secondId = await Write("pending-search", "E");
        Assert.Equal(["pending-search"], await Ids("/fhir/Patient?_id=pending-search&_has:AuditEvent:entity:action=E"));
        // The access log adds AuditEvents of its own about these searches: only ours are asserted.
        Assert.Equal(["pending-search"], await Ids("/fhir/Patient?_id=pending-search&_revinclude=AuditEvent:entity"));
        var withLog = await Ids("/fhir/Patient?_id=pending-search&_revinclude=AuditEvent:entity", "include");
        Assert.Contains(id, withLog);
        Assert.Contains(secondId, withLog);
    }

    [Fact]
    public async Task UpdateBeforeTheMerge_LeavesNoRowsOfTheOldVersion()
    {
        await Write("pending-old", id: "pending-update");
        await Write("pending-new", id: "pending-update");
        await factory.Services.GetRequiredService<PendingReferences>().SettleAsync();
        Assert.Empty(await Ids("/fhir/AuditEvent?entity=Patient/pending-old&agent=Practitioner/pending-gp"));
        Assert.Equal(["pending-update"], await Ids("/fhir/AuditEvent?entity=Patient/pending-new&agent=Practitioner/pending-gp"));
    }

    [Fact]
    public async Task FindIds_SeesAnAuditEventWhoseRowsWait_InsideAPortalWriteSessionToo()
    {
        var search = factory.Services.GetRequiredService<IFhirSearch>();
        await Write("pending-find", id: "pending-find-1");
        // A conditional write (a transaction's ifNoneExist) inside a portal write session: the search of AuditEvents runs on a search connection.
        var inside = await factory.Services.GetRequiredService<IResourceStore>().WriteAsync(session =>
            search.FindIds(session, "AuditEvent", "entity=Patient/pending-find", 2));
        Assert.Equal(["pending-find-1"], inside);
        await Write("pending-find", id: "pending-find-2");
        Assert.Equal(["pending-find-1", "pending-find-2"], search.FindIds(null, "AuditEvent", "entity=Patient/pending-find", 3));
    }
}
