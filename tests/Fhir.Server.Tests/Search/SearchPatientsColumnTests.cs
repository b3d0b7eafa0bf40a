using Fhir.Server.Search.Query;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// Each resource's row keeps the patients whose compartment holds it (search_resource.patients), so a search names
/// its hits' patients for the access log without a look-up per hit; rows written before that column existed are
/// looked up as before.
/// </summary>
public class SearchPatientsColumnTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task Put(string type, string id, string json) => _client.PutOkAsync(type, id, json);

    private (long Rid, string? Patients) Row(string type, string id)
    {
        using var connection = factory.Services.GetRequiredService<SqliteResourceStore>().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rid, patients FROM search_resource WHERE type = $type AND id = $id";
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private List<string> Loaded(string type, string id)
    {
        var (rid, _) = Row(type, id);
        using var connection = factory.Services.GetRequiredService<SqliteResourceStore>().OpenConnection();
        var patients = factory.Services.GetRequiredService<SearchExecutor>().Load(connection, [new SearchHit(rid, type, id)], withPatients: true);
        return patients.TryGetValue(rid, out var own) ? [.. own.Order(StringComparer.Ordinal)] : [];
    }

    [Fact]
    public async Task EachRow_KeepsItsCompartmentsPatients_AndTheyFollowAnUpdate()
    {
        await Put("Communication", "pc-msg", """
            {"resourceType":"Communication","id":"pc-msg","status":"in-progress","subject":{"reference":"Patient/pc-a"},
             "sender":{"reference":"Patient/pc-a"},"recipient":[{"reference":"Patient/pc-b"},{"reference":"Practitioner/pc-gp"}]}
            """);
        await Put("Practitioner", "pc-gp", """{"resourceType":"Practitioner","id":"pc-gp"}""");
        await Put("Patient", "pc-a", """{"resourceType":"Patient","id":"pc-a"}""");

        Assert.Equal(["pc-a", "pc-b"], Row("Communication", "pc-msg").Patients!.Split(',').Order(StringComparer.Ordinal));
        Assert.Equal("", Row("Practitioner", "pc-gp").Patients);
        Assert.Equal("pc-a", Row("Patient", "pc-a").Patients);
        Assert.Equal(["pc-a", "pc-b"], Loaded("Communication", "pc-msg"));

        await Put("Communication", "pc-msg", """
            {"resourceType":"Communication","id":"pc-msg","status":"completed","subject":{"reference":"Patient/pc-c"},
             "recipient":[{"reference":"Practitioner/pc-gp"}]}
            """);
        Assert.Equal("pc-c", Row("Communication", "pc-msg").Patients);
        Assert.Equal(["pc-c"], Loaded("Communication", "pc-msg"));
    }

    [Fact]
    public async Task RowWrittenBeforeTheColumn_HasItsPatientsLookedUp()
    {
        await Put("Observation", "pc-obs", """
            {"resourceType":"Observation","id":"pc-obs","status":"final","code":{"text":"Hb"},"subject":{"reference":"Patient/pc-old"}}
            """);
        await factory.Services.GetRequiredService<SqliteResourceStore>().WriteAsync(session =>
        {
            using var command = ((SqliteConnection)session.Connection).CreateCommand();
            command.CommandText = "UPDATE search_resource SET patients = NULL WHERE type = 'Observation' AND id = 'pc-obs'";
            return command.ExecuteNonQuery();
        });
        Assert.Null(Row("Observation", "pc-obs").Patients);
        Assert.Equal(["pc-old"], Loaded("Observation", "pc-obs"));
    }
}
