using System.Net;
using Fhir.Server.Search;
using Fhir.Server.Store;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>Searches while the data changes: paging, updates, deletes, $reindex, searches inside a write transaction.</summary>
public class SearchChangingDataTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task Put(string type, string id, string json) => _client.PutOkAsync(type, id, json);

    private static string Patient(string id, string family, string? birthDate = null) =>
        $$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"{{family}}"}]{{(birthDate is null ? "" : $",\"birthDate\":\"{birthDate}\"")}}}""";

    private async Task<System.Text.Json.JsonElement> Get(string url)
    {
        var response = await _client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.Diagnostics());
        return body;
    }

    [Fact]
    public async Task Paging_VisitsEveryMatchOnce_WhileResourcesAreAdded()
    {
        for (var i = 0; i < 12; i++)
            await Put("Patient", $"pager-{i:00}", Patient($"pager-{i:00}", "Pager", $"19{50 + i}-01-01"));
        foreach (var sort in new[] { "", "&_sort=-birthdate", "&_sort=family,-_id" })
        {
            var seen = new List<string>();
            var url = "/fhir/Patient?family=pager&_count=5" + sort;
            var pages = 0;
            while (url is not null)
            {
                var bundle = await Get(url);
                seen.AddRange(SearchFixture.IdsOf(bundle));
                url = SearchResultTests.Link(bundle, "next");
                // Rows inserted between pages sort before the cursor (older birth date, lower id): they must not shift the pages.
                await Put("Patient", $"a-late-{sort.Length}-{pages}", Patient($"a-late-{sort.Length}-{pages}", "Pager", "1900-01-01"));
                pages++;
            }
            var original = seen.Where(id => id.StartsWith("pager-", StringComparison.Ordinal)).ToList();
            Assert.Equal(12, original.Count);
            Assert.Equal(12, original.Distinct().Count());
            Assert.Equal(seen.Count, seen.Distinct().Count());
        }
    }

    [Fact]
    public async Task PreviousLink_ReturnsThePageBefore()
    {
        for (var i = 0; i < 6; i++)
            await Put("Patient", $"prev-{i}", Patient($"prev-{i}", "Previous"));
        var first = await Get("/fhir/Patient?family=previous&_count=2&_sort=_id&_total=accurate");
        Assert.Null(SearchResultTests.Link(first, "previous"));
        var second = await Get(SearchResultTests.Link(first, "next")!);
        Assert.Equal(["prev-2", "prev-3"], SearchFixture.IdsOf(second));
        var back = await Get(SearchResultTests.Link(second, "previous")!);
        Assert.Equal(["prev-0", "prev-1"], SearchFixture.IdsOf(back));
        Assert.Equal(6, first.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task UpdateAndDelete_KeepTheIndexCurrent()
    {
        await Put("Patient", "change-1", Patient("change-1", "Vroeger"));
        Assert.Equal(["change-1"], SearchFixture.IdsOf(await Get("/fhir/Patient?family=vroeger")));
        await Put("Patient", "change-1", Patient("change-1", "Later"));
        Assert.Empty(SearchFixture.IdsOf(await Get("/fhir/Patient?family=vroeger")));
        Assert.Equal(["change-1"], SearchFixture.IdsOf(await Get("/fhir/Patient?family=later")));
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/fhir/Patient/change-1")).StatusCode);
        Assert.Empty(SearchFixture.IdsOf(await Get("/fhir/Patient?family=later")));
        Assert.Empty(SearchFixture.IdsOf(await Get("/fhir/Patient?_id=change-1")));
        await Put("Patient", "change-1", Patient("change-1", "Terug"));
        Assert.Equal(["change-1"], SearchFixture.IdsOf(await Get("/fhir/Patient?family=terug")));
    }

    [Fact]
    public async Task Reindex_MakesACustomSearchParameterUsable()
    {
        await Put("Patient", "nick-1", """{"resourceType":"Patient","id":"nick-1","name":[{"use":"nickname","given":["Pietje"]},{"family":"Puk"}]}""");
        await Put("SearchParameter", "patient-nickname", """
            {"resourceType":"SearchParameter","id":"patient-nickname","url":"http://example.org/fhir/SearchParameter/patient-nickname",
             "name":"nickname","status":"active","description":"Nickname","code":"nickname","base":["Patient"],"type":"string",
             "expression":"Patient.name.where(use='nickname').given"}
            """);
        var before = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient?nickname=piet");
        before.Headers.Add("Prefer", "handling=strict");
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(before)).StatusCode);

        var reindex = await _client.PostAsync("/fhir/Patient/$reindex", null);
        Assert.True(reindex.StatusCode == HttpStatusCode.OK, await reindex.Content.ReadAsStringAsync());
        Assert.True((await reindex.ReadJsonAsync()).GetProperty("parameter")[0].GetProperty("valueInteger").GetInt32() >= 1);

        Assert.Equal(["nick-1"], SearchFixture.IdsOf(await Get("/fhir/Patient?nickname=piet")));
        Assert.Empty(SearchFixture.IdsOf(await Get("/fhir/Patient?nickname=puk")));
        await Put("Patient", "nick-2", """{"resourceType":"Patient","id":"nick-2","name":[{"use":"nickname","given":["Pietertje"]}]}""");
        Assert.Equal(["nick-1", "nick-2"], SearchFixture.IdsOf(await Get("/fhir/Patient?nickname=piet&_sort=_id")));
    }

    [Fact]
    public async Task FindIds_InsideAWriteSession_SeesItsOwnUncommittedWrites()
    {
        var store = factory.Services.GetRequiredService<IResourceStore>();
        var search = factory.Services.GetRequiredService<IFhirSearch>();
        var service = factory.Services.GetRequiredService<Fhir.Server.Features.Resources.ResourceService>();
        using var document = System.Text.Json.JsonDocument.Parse(Patient("x", "Sessie"));
        var validated = service.Validate(document.RootElement, "Patient");
        var (inside, outside) = await store.WriteAsync(session =>
        {
            service.CreateIn(session, validated, "session-1");
            return (search.FindIds(session, "Patient", "family=sessie", 10), search.FindIds(null, "Patient", "family=sessie", 10));
        });
        Assert.Equal(["session-1"], inside);
        Assert.Empty(outside);
        Assert.Equal(["session-1"], search.FindIds(null, "Patient", "family=sessie", 10));
        Assert.Throws<Fhir.Server.Features.Outcomes.FhirException>(() => search.FindIds(null, "Patient", "nonsense=1", 10));
    }

    [Fact]
    public async Task SearchBundleAsync_AnswersLikeGet()
    {
        await Put("Patient", "bundle-get", Patient("bundle-get", "Bundelaar"));
        var search = factory.Services.GetRequiredService<IFhirSearch>();
        var bytes = await search.SearchBundleAsync("Patient", "family=bundelaar", "http://localhost/fhir", CancellationToken.None);
        using var bundle = System.Text.Json.JsonDocument.Parse(bytes);
        Assert.Equal(["bundle-get"], SearchFixture.IdsOf(bundle.RootElement));
    }
}
