using System.Net;
using System.Text.Json;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// Prescriptions with their medication contained, as GP systems often send them, and one medication of its own.
/// https://hl7.org/fhir/R4/search.html#contained
/// </summary>
public sealed class ContainedFixture : SearchFixture
{
    public const string Atc = "http://www.whocc.no/atc";

    protected override async Task SeedAsync()
    {
        await Put("Patient", "p1", """{"resourceType":"Patient","id":"p1","name":[{"family":"de Jong","given":["Emma"]}]}""");
        await Put("Patient", "p2", """{"resourceType":"Patient","id":"p2","name":[{"family":"Bos","given":["Willem"]}]}""");
        await Put("Medication", "omeprazol", Medication("omeprazol", "A02BC01", "Omeprazol 20 mg", "capsule", null));
        // Emma's omeprazol, contained.
        await Put("MedicationRequest", "mr1", """
            {"resourceType":"MedicationRequest","id":"mr1","status":"active","intent":"order",
             "contained":[MED],
             "medicationReference":{"reference":"#med"},"subject":{"reference":"Patient/p1"},"authoredOn":"2026-03-01"}
            """.Replace("MED", Medication("med", "A02BC01", "Omeprazol 40 mg", "capsule", null)));
        // Willem's combination tablet, whose ingredient is the other contained medication.
        await Put("MedicationRequest", "mr2", """
            {"resourceType":"MedicationRequest","id":"mr2","status":"active","intent":"order",
             "contained":[M1,M2],
             "medicationReference":{"reference":"#m1"},"subject":{"reference":"Patient/p2"},"authoredOn":"2026-02-01"}
            """.Replace("M1", Medication("m1", "A10BD07", "Metformine/sitagliptine", "tablet", "#m2"))
               .Replace("M2", Medication("m2", "A10BA02", "Metformine", "tablet", null)));
        // Emma's omeprazol again, referring to the medication of its own.
        await Put("MedicationRequest", "mr3", """
            {"resourceType":"MedicationRequest","id":"mr3","status":"completed","intent":"order",
             "medicationReference":{"reference":"Medication/omeprazol"},"subject":{"reference":"Patient/p1"},"authoredOn":"2025-11-01"}
            """);
    }

    public static string Medication(string id, string atc, string name, string form, string? ingredient) => """
        {"resourceType":"Medication","id":"ID","code":{"coding":[{"system":"ATC","code":"CODE","display":"NAME"}]},
         "form":{"coding":[{"system":"http://snomed.info/sct","code":"FORM"}]}INGREDIENT}
        """.Replace("ID", id).Replace("ATC", Atc).Replace("CODE", atc).Replace("NAME", name).Replace("FORM", form)
        .Replace("INGREDIENT", ingredient is null ? "" : $",\"ingredient\":[{{\"itemReference\":{{\"reference\":\"{ingredient}\"}}}}]");
}

public class ContainedSearchTests(ContainedFixture f) : IClassFixture<ContainedFixture>
{
    private static List<(string FullUrl, string Type, string Id)> Matches(JsonElement bundle) =>
        bundle.GetProperty("entry").EnumerateArray()
            .Where(e => e.GetProperty("search").GetProperty("mode").GetString() == "match")
            .Select(e => (e.GetProperty("fullUrl").GetString()!, e.GetProperty("resource").GetProperty("resourceType").GetString()!,
                e.GetProperty("resource").GetProperty("id").GetString()!))
            .ToList();

    [Fact]
    public async Task ByDefault_ContainedResourcesAreNotMatches()
    {
        Assert.Equal(["omeprazol"], await f.Ids($"/fhir/Medication?code={ContainedFixture.Atc}|A02BC01"));
        Assert.Equal(["omeprazol"], await f.Ids("/fhir/Medication"));
        Assert.Empty(await f.Ids("/fhir/Medication?code=A10BA02"));
    }

    [Fact]
    public async Task Chain_IsEvaluatedInsideContainedResources()
    {
        Assert.Equal(["mr1", "mr3"], await f.Ids($"/fhir/MedicationRequest?medication.code={ContainedFixture.Atc}|A02BC01&_sort=_id"));
        Assert.Equal(["mr2"], await f.Ids("/fhir/MedicationRequest?medication.code=A10BD07"));
        // Two levels: from the contained combination tablet to its contained ingredient.
        Assert.Equal(["mr2"], await f.Ids("/fhir/MedicationRequest?medication:Medication.ingredient:Medication.code=A10BA02"));
        Assert.Empty(await f.Ids("/fhir/MedicationRequest?medication.code=B01AC06"));
    }

    [Fact]
    public async Task ReferenceToAContainedResource_IsNotMissing()
    {
        Assert.Empty(await f.Ids("/fhir/MedicationRequest?medication:missing=true"));
        Assert.Equal(["mr1", "mr2", "mr3"], await f.Ids("/fhir/MedicationRequest?medication:missing=false&_sort=_id"));
    }

    [Fact]
    public async Task ContainedTrue_ReturnsTheContainers_EachOnce()
    {
        var bundle = await f.Search("/fhir/Medication?form=tablet&_contained=true&_total=accurate");
        var matches = Matches(bundle);
        // Both of mr2's medications are tablets: the container is one match, and the total counts it once.
        Assert.Equal([("http://localhost/fhir/MedicationRequest/mr2", "MedicationRequest", "mr2")], matches);
        Assert.Equal(1, bundle.GetProperty("total").GetInt32());
        Assert.Equal(["mr1"], await f.Ids("/fhir/Medication?code=A02BC01&_contained=true"));
        Assert.Equal(["mr1", "mr2"], await f.Ids("/fhir/Medication?_contained=true&_sort=code"));
    }

    [Fact]
    public async Task ContainedTypeContained_ReturnsTheContainedResource_WithTheContainersUrl()
    {
        var bundle = await f.Search("/fhir/Medication?form=tablet&_contained=true&_containedType=contained&_sort=-code");
        Assert.Equal(
            [("http://localhost/fhir/MedicationRequest/mr2#m1", "Medication", "m1"), ("http://localhost/fhir/MedicationRequest/mr2#m2", "Medication", "m2")],
            Matches(bundle));
        var m2 = bundle.GetProperty("entry").EnumerateArray().Last().GetProperty("resource");
        Assert.Equal("Metformine", m2.GetProperty("code").GetProperty("coding")[0].GetProperty("display").GetString());
        Assert.False(m2.TryGetProperty("contained", out _));
    }

    [Fact]
    public async Task ContainedBoth_ReturnsResourcesAndContainers()
    {
        var both = await f.Search("/fhir/Medication?code=A02BC01&_contained=both&_sort=_lastUpdated");
        Assert.Equal(["omeprazol", "mr1"], Matches(both).Select(m => m.Id));
        var contained = await f.Search("/fhir/Medication?code=A02BC01&_contained=both&_containedType=contained&_total=accurate");
        Assert.Equal(["http://localhost/fhir/Medication/omeprazol", "http://localhost/fhir/MedicationRequest/mr1#med"], Matches(contained).Select(m => m.FullUrl).Order(StringComparer.Ordinal));
        Assert.Equal(2, contained.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Includes_OfContainedMatches()
    {
        // What refers to the contained medication is its container: a match already, so not included again.
        var bundle = await f.Search("/fhir/Medication?code=A02BC01&_contained=true&_revinclude=MedicationRequest:medication");
        Assert.Equal(["mr1"], SearchFixture.IdsOf(bundle));
        Assert.Empty(SearchFixture.IdsOf(bundle, "include"));
        var contained = await f.Search("/fhir/Medication?code=A02BC01&_contained=true&_containedType=contained&_revinclude=MedicationRequest:medication");
        Assert.Equal(["med"], SearchFixture.IdsOf(contained));
        Assert.Equal(["mr1"], SearchFixture.IdsOf(contained, "include"));
    }

    [Fact]
    public async Task ContainedChain_FollowsAReferenceToASiblingInTheSameContainer()
    {
        Assert.Equal(["m1"], await f.Ids("/fhir/Medication?_contained=true&_containedType=contained&ingredient.code=A10BA02"));
        Assert.Equal(["mr2"], await f.Ids("/fhir/Medication?_contained=true&ingredient.code=A10BA02"));
    }

    [Fact]
    public async Task Paging_ThroughContainers_GivesEachOnce()
    {
        var seen = new List<string>();
        var url = "/fhir/Medication?_contained=both&_count=1";
        for (var page = 0; page < 10 && url is not null; page++)
        {
            var bundle = await f.Search(url);
            seen.AddRange(Matches(bundle).Select(m => m.Id));
            url = bundle.GetProperty("link").EnumerateArray().FirstOrDefault(l => l.GetProperty("relation").GetString() == "next") is { ValueKind: JsonValueKind.Object } next
                ? new Uri(next.GetProperty("url").GetString()!).PathAndQuery
                : null;
        }
        Assert.Equal(["mr1", "mr2", "omeprazol"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CompartmentSearch_FindsTheContainedResourcesOfThePatientsRecordOnly()
    {
        Assert.Empty(await f.Ids("/fhir/Patient/p1/Medication"));
        Assert.Equal(["med"], await f.Ids("/fhir/Patient/p1/Medication?_contained=true&_containedType=contained"));
        Assert.Equal(["m2", "m1"], await f.Ids("/fhir/Patient/p2/Medication?_contained=true&_containedType=contained&_sort=code"));
    }

    [Fact]
    public async Task Summary_AppliesToTheContainedResource()
    {
        var bundle = await f.Search("/fhir/Medication?code=A10BA02&_contained=true&_containedType=contained&_elements=code");
        var resource = bundle.GetProperty("entry").EnumerateArray().Single().GetProperty("resource");
        Assert.True(resource.TryGetProperty("code", out _));
        Assert.False(resource.TryGetProperty("form", out _));
    }

    [Theory]
    [InlineData("_contained=maybe")]
    [InlineData("_contained=true&_containedType=self")]
    public async Task BadContainedArguments_Are400(string query)
    {
        var response = await f.Send(HttpMethod.Get, "/fhir/Medication?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (await response.ReadJsonAsync()).GetProperty("resourceType").GetString());
    }
}

/// <summary>Contained resources follow their container through updates and deletes, and are indexed for containers stored before.</summary>
public class ContainedIndexTests(ContainedIndexTests.Fixture f) : IClassFixture<ContainedIndexTests.Fixture>
{
    public sealed class Fixture : SearchFixture
    {
        protected override async Task SeedAsync()
        {
            await Put("Patient", "p1", """{"resourceType":"Patient","id":"p1"}""");
            await Put("MedicationRequest", "mr", Request(("a", "A02BC01"), ("b", "A10BA02")));
        }
    }

    /// <summary>A prescription of the first medication, whose ingredient (if any) is the second: both contained.</summary>
    private static string Request(params (string Id, string Atc)[] medications) => $$"""
        {"resourceType":"MedicationRequest","id":"mr","status":"active","intent":"order","subject":{"reference":"Patient/p1"},
         "contained":[{{string.Join(",", medications.Select((m, i) =>
             ContainedFixture.Medication(m.Id, m.Atc, m.Atc, "tablet", i == 0 && medications.Length > 1 ? "#" + medications[1].Id : null)))}}],
         "medicationReference":{"reference":"#{{medications[0].Id}}"} }
        """;

    private long ContainedRows()
    {
        using var connection = f.Services.GetRequiredService<SqliteResourceStore>().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM search_resource WHERE alive = {SearchIndexer.ContainedRow}";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Update_DropsWhatIsNoLongerContained_Delete_DropsAll_AndBackfillIndexesOldContainers()
    {
        Assert.Equal(["a", "b"], await f.Ids("/fhir/Medication?_contained=true&_containedType=contained&_sort=_id"));

        await f.Put("MedicationRequest", "mr", Request(("c", "B01AC06")));
        Assert.Equal(["c"], await f.Ids("/fhir/Medication?_contained=true&_containedType=contained"));
        Assert.Empty(await f.Ids("/fhir/MedicationRequest?medication.code=A02BC01"));
        Assert.Equal(["mr"], await f.Ids("/fhir/MedicationRequest?medication.code=B01AC06"));
        Assert.Equal(1, ContainedRows());

        // A database from before contained resources were indexed: no rows for them, no rows for references to them.
        var store = f.Services.GetRequiredService<SqliteResourceStore>();
        await store.WriteAsync(session =>
        {
            using var command = ((Microsoft.Data.Sqlite.SqliteConnection)session.Connection).CreateCommand();
            command.CommandText = $"""
                DELETE FROM ix_token WHERE rid IN (SELECT rid FROM search_resource WHERE alive = {SearchIndexer.ContainedRow});
                DELETE FROM ix_reference WHERE ref_id LIKE '%#%';
                DELETE FROM search_resource WHERE alive = {SearchIndexer.ContainedRow};
                INSERT INTO search_backfill (name) VALUES ('contained');
                """;
            return command.ExecuteNonQuery();
        });
        Assert.Empty(await f.Ids("/fhir/MedicationRequest?medication.code=B01AC06"));
        f.Services.GetRequiredService<Reindexer>().BackfillContained();
        Assert.Equal(["mr"], await f.Ids("/fhir/MedicationRequest?medication.code=B01AC06"));
        Assert.Equal(["c"], await f.Ids("/fhir/Medication?_contained=true&_containedType=contained"));

        var delete = await f.Client.DeleteAsync("/fhir/MedicationRequest/mr");
        Assert.True(delete.IsSuccessStatusCode);
        Assert.Empty(await f.Ids("/fhir/Medication?_contained=true"));
        Assert.Empty(await f.Ids("/fhir/MedicationRequest?medication.code=B01AC06"));
        Assert.Equal(0, ContainedRows());
    }
}
