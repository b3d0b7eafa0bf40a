using System.Net;
using Fhir.Server.Features.Resources;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// AuditEvent's patient parameter has no index rows of its own: it is answered from the Patient rows of agent and
/// entity (its R4 expression). Every way of reading it finds what rows of its own would have found.
/// </summary>
public class ReferenceAliasTests(ReferenceAliasTests.Fixture f) : IClassFixture<ReferenceAliasTests.Fixture>
{
    public sealed class Fixture : FhirServerFactory, IAsyncLifetime
    {
        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Client = CreateClient();
            await Put("Patient", "alias-pa", """{"resourceType":"Patient","id":"alias-pa","name":[{"family":"Aliasvelt","given":["Anna"]}]}""");
            await Put("Patient", "alias-pb", """{"resourceType":"Patient","id":"alias-pb","name":[{"family":"Brouwer","given":["Bas"]}]}""");
            await Put("Practitioner", "alias-gp", """{"resourceType":"Practitioner","id":"alias-gp","name":[{"family":"Aliasvelt","given":["Dokter"]}]}""");
            // A GP reads Anna's record; Bas reads his own; the GP reads a Device only; Anna (as a parent) reads Bas's record.
            await Put("AuditEvent", "alias-ae1", Audit("alias-ae1", "Practitioner/alias-gp", "Patient/alias-pa"));
            await Put("AuditEvent", "alias-ae2", Audit("alias-ae2", "Patient/alias-pb", "Patient/alias-pb", "Observation/alias-obs"));
            await Put("AuditEvent", "alias-ae3", Audit("alias-ae3", "Practitioner/alias-gp", "Device/alias-device"));
            await Put("AuditEvent", "alias-ae4", Audit("alias-ae4", "Patient/alias-pa", "Patient/alias-pb"));
        }

        public new Task DisposeAsync() => Task.CompletedTask;

        private static string Audit(string id, string who, params string[] what)
        {
            var entities = string.Join(",", what.Select(w => "{\"what\":{\"reference\":\"" + w + "\"}}"));
            return $$$"""
                {"resourceType":"AuditEvent","id":"{{{id}}}",
                 "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
                 "action":"R","recorded":"2026-11-22T10:00:00Z",
                 "agent":[{"who":{"reference":"{{{who}}}"},"requestor":true}],
                 "source":{"observer":{"reference":"Organization/alias-practice"}},
                 "entity":[{{{entities}}}]}
                """;
        }

        private async Task Put(string type, string id, string json)
        {
            if (type == "AuditEvent")
            {
                // Only the server writes AuditEvents (the access policy refuses them over the API).
                await Services.GetRequiredService<ResourceService>().UpdateAsync(type, id, System.Text.Encoding.UTF8.GetBytes(json), null);
                return;
            }
            var response = await Client.PutAsync($"/fhir/{type}/{id}", FhirHttp.Json(json));
            Assert.True(response.IsSuccessStatusCode, (await response.ReadJsonAsync()).Diagnostics());
        }
    }

    private async Task<List<string>> Ids(string url, string mode = "match")
    {
        var response = await f.Client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.Diagnostics());
        return SearchFixture.IdsOf(body, mode).Where(id => id.StartsWith("alias-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [InlineData("/fhir/AuditEvent?patient=alias-pa", "alias-ae1,alias-ae4")]
    [InlineData("/fhir/AuditEvent?patient=Patient/alias-pb", "alias-ae2,alias-ae4")]
    [InlineData("/fhir/AuditEvent?patient:Patient=alias-pb", "alias-ae2,alias-ae4")]
    [InlineData("/fhir/AuditEvent?patient=alias-gp", "")]
    [InlineData("/fhir/AuditEvent?patient=alias-pa,alias-pb", "alias-ae1,alias-ae2,alias-ae4")]
    [InlineData("/fhir/AuditEvent?patient:missing=true&_id=alias-ae1,alias-ae2,alias-ae3,alias-ae4", "alias-ae3")]
    [InlineData("/fhir/AuditEvent?patient:missing=false&_id=alias-ae1,alias-ae2,alias-ae3,alias-ae4", "alias-ae1,alias-ae2,alias-ae4")]
    [InlineData("/fhir/AuditEvent?agent=Practitioner/alias-gp", "alias-ae1,alias-ae3")]
    [InlineData("/fhir/AuditEvent?entity=Patient/alias-pb", "alias-ae2,alias-ae4")]
    [InlineData("/fhir/AuditEvent?patient.name=Aliasvelt", "alias-ae1,alias-ae4")]
    [InlineData("/fhir/AuditEvent?patient:Practitioner.name=Aliasvelt", "")]
    [InlineData("/fhir/Patient?_has:AuditEvent:patient:agent=Practitioner/alias-gp", "alias-pa")]
    [InlineData("/fhir/Practitioner?_has:AuditEvent:patient:action=R", "")]
    [InlineData("/fhir/Patient/alias-pa/AuditEvent", "alias-ae1,alias-ae4")]
    [InlineData("/fhir/AuditEvent?_id=alias-ae1,alias-ae2,alias-ae3,alias-ae4&_sort=patient,_id", "alias-ae1,alias-ae2,alias-ae3,alias-ae4")]
    public async Task Patient_IsAnsweredFromAgentAndEntity(string url, string expected) =>
        Assert.Equal(expected.Length == 0 ? [] : expected.Split(','), await Ids(url));

    [Fact]
    public async Task Include_And_RevInclude_FollowThePatientRowsOfAgentAndEntity()
    {
        Assert.Equal(["alias-pa", "alias-pb"], await Ids("/fhir/AuditEvent?_id=alias-ae4,alias-ae1&_include=AuditEvent:patient", "include"));
        Assert.Equal(["alias-ae2", "alias-ae4"], await Ids("/fhir/Patient?_id=alias-pb&_revinclude=AuditEvent:patient", "include"));
    }

    [Fact]
    public async Task RowsOfAnEarlierVersion_UnderPatient_AreDeletedAtStart()
    {
        var store = f.Services.GetRequiredService<SqliteResourceStore>();
        var pid = ParamKey.For("AuditEvent", "patient");
        await store.WriteAsync(session =>
        {
            using var insert = ((Microsoft.Data.Sqlite.SqliteConnection)session.Connection).CreateCommand();
            insert.CommandText = "INSERT INTO ix_reference (pid, ref_id, ref_type, rid) VALUES ($pid, 'alias-old', 'Patient', -1)";
            insert.Parameters.AddWithValue("$pid", pid);
            return insert.ExecuteNonQuery();
        });
        ReferenceAliases.DropOwnRows(store, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        AuditEvents_HaveNoReferenceRowsUnderPatient();
    }

    [Fact]
    public void AuditEvents_HaveNoReferenceRowsUnderPatient()
    {
        var store = f.Services.GetRequiredService<SqliteResourceStore>();
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM ix_reference WHERE pid = $pid) + (SELECT COUNT(*) FROM ix_reference_pending WHERE pid = $pid)";
        command.Parameters.AddWithValue("$pid", ParamKey.For("AuditEvent", "patient"));
        Assert.Equal(0L, (long)command.ExecuteScalar()!);
    }
}
