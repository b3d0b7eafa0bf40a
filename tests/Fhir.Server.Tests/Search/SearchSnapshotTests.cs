using System.Net;
using System.Text.Json;
using Fhir.Server.Features.Resources;
using Fhir.Server.Search;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// Search connections keep their snapshot between searches until a write that searches must see commits
/// (<see cref="SearchConnections"/>): the access log's writes do not end it, every other write does, searches of
/// AuditEvents read a fresh one, and idle snapshots end after the longest age.
/// </summary>
public class SearchSnapshotTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private SqliteResourceStore Store => factory.Services.GetRequiredService<SqliteResourceStore>();

    private static string Patient(string id, string family) => $$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"{{family}}"}]}""";

    private async Task<List<string>> Ids(string url)
    {
        var response = await _client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.Diagnostics());
        return SearchFixture.IdsOf(body);
    }

    /// <summary>Creates <paramref name="json"/> in one store write, as the access log or as any other writer.</summary>
    private async Task Create(string type, string id, string json, bool accessLog)
    {
        var service = factory.Services.GetRequiredService<ResourceService>();
        using var document = JsonDocument.Parse(json);
        var validated = service.Validate(document.RootElement, type);
        var store = factory.Services.GetRequiredService<IResourceStore>();
        if (accessLog)
            await store.WriteAccessLogAsync(session => service.CreateIn(session, validated, id));
        else
            await store.WriteAsync(session => service.CreateIn(session, validated, id));
    }

    private static long DataVersionOfSnapshot(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task SearchAfterAWrite_FindsIt_ThoughTheConnectionHadASnapshotOpen()
    {
        await _client.PutAsync("/fhir/Patient/snap-write-1", FhirHttp.Json(Patient("snap-write-1", "Snapwrite")));
        Assert.Equal(["snap-write-1"], await Ids("/fhir/Patient?family=snapwrite"));
        // The connection of that search is on top of the pool with its snapshot open; the next search takes it.
        await _client.PutAsync("/fhir/Patient/snap-write-2", FhirHttp.Json(Patient("snap-write-2", "Snapwrite")));
        Assert.Equal(["snap-write-1", "snap-write-2"], (await Ids("/fhir/Patient?family=snapwrite")).Order());
        await Create("Patient", "snap-write-3", Patient("snap-write-3", "Snapwrite"), accessLog: false);
        Assert.Equal(3, (await Ids("/fhir/Patient?family=snapwrite")).Count);
    }

    [Fact]
    public async Task AuditEventSearch_FindsWhatTheAccessLogJustStored_ThoughOtherSearchesKeepTheirSnapshot()
    {
        Assert.Empty(await Ids("/fhir/Patient?family=snap-nobody"));
        var audit = """
            {"resourceType":"AuditEvent",
             "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
             "action":"R","recorded":"2026-11-23T10:00:00Z",
             "agent":[{"who":{"reference":"Practitioner/snap-gp"},"requestor":true}],
             "source":{"observer":{"reference":"Organization/snap-practice"}},
             "entity":[{"what":{"reference":"Patient/snap-audited"}}]}
            """;
        await Create("AuditEvent", "snap-audit", audit, accessLog: true);
        Assert.Equal(["snap-audit"], await Ids("/fhir/AuditEvent?entity=Patient/snap-audited"));
        Assert.Equal(["snap-audit"], await Ids("/fhir/AuditEvent?patient=snap-audited"));
    }

    [Fact]
    public async Task AccessLogWrite_KeepsTheSnapshot_AnyOtherWriteOrAFreshReadEndsIt()
    {
        using var connections = new SearchConnections(Store, TimeSpan.FromHours(1));
        // A background writer of the host (a job) may write data in between; then the attempt says nothing and is repeated.
        for (var attempt = 0; ; attempt++)
        {
            var version = Store.DataVersion;
            var first = connections.Read(DataVersionOfSnapshot);
            await Create("Patient", $"snap-log-{attempt}", Patient($"snap-log-{attempt}", "Snaplog"), accessLog: true);
            var afterLog = connections.Read(DataVersionOfSnapshot);
            var seenAfterLog = connections.Read(c => CountPatients(c, "snap-log-"));
            if (Store.DataVersion != version)
            {
                Assert.True(attempt < 5, "data kept being written");
                continue;
            }
            Assert.Equal(first, afterLog);
            Assert.Equal(attempt, seenAfterLog);
            break;
        }
        var kept = connections.Read(DataVersionOfSnapshot);
        Assert.NotEqual(kept, connections.Read(DataVersionOfSnapshot, fresh: true));
        var beforeWrite = connections.Read(DataVersionOfSnapshot);
        await Create("Patient", "snap-data", Patient("snap-data", "Snapdata"), accessLog: false);
        Assert.NotEqual(beforeWrite, connections.Read(DataVersionOfSnapshot));
        Assert.Equal(1, connections.Read(c => CountPatients(c, "snap-data")));
    }

    [Fact]
    public async Task IdleSnapshot_EndsAfterTheLongestAge()
    {
        using var connections = new SearchConnections(Store, TimeSpan.FromMilliseconds(200));
        connections.Read(DataVersionOfSnapshot);
        Assert.Equal(1, connections.OpenSnapshots);
        for (var waited = 0; connections.OpenSnapshots > 0 && waited < 5_000; waited += 50)
            await Task.Delay(50);
        Assert.Equal(0, connections.OpenSnapshots);
    }

    private static long CountPatients(SqliteConnection connection, string idPrefix)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM resource WHERE type = 'Patient' AND id >= $from AND id < $to";
        command.Parameters.AddWithValue("$from", idPrefix);
        command.Parameters.AddWithValue("$to", idPrefix + "~");
        return (long)command.ExecuteScalar()!;
    }
}
