using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Infrastructure;

namespace Fhir.Server.Tests.Search;

/// <summary>Result parameters, chains, _has, compartments and handling (https://hl7.org/fhir/R4/search.html#return).</summary>
public class SearchResultTests(SearchFixture f) : IClassFixture<SearchFixture>
{
    [Fact]
    public async Task Sort_DescendingByDate_ForOnePatient()
    {
        Assert.Equal(["o3", "o1", "o2"], await f.Ids("/fhir/Observation?patient=p1&_sort=-date"));
        Assert.Equal(["o2", "o1", "o3"], await f.Ids("/fhir/Observation?patient=p1&_sort=date"));
    }

    [Fact]
    public async Task Sort_PutsMissingValuesLast_BothDirections()
    {
        Assert.Equal(["c4", "c1", "c3"], await f.Ids("/fhir/Communication?recipient=Patient/p1&status=in-progress&_sort=sent"));
        Assert.Equal(["c1", "c4", "c3"], await f.Ids("/fhir/Communication?recipient=Patient/p1&status=in-progress&_sort=-sent"));
        Assert.Equal(["o3", "o1", "o2", "o4"], await f.Ids("/fhir/Observation?performer=pr1&_sort=-date"));
    }

    [Fact]
    public async Task Sort_SeveralKeys()
    {
        Assert.Equal(["p1", "p3", "p2"], await f.Ids("/fhir/Patient?_sort=-gender,birthdate"));
        Assert.Equal(["p2", "p3", "p1"], await f.Ids("/fhir/Patient?_sort=gender,-_id"));
    }

    [Fact]
    public async Task Sort_PagesFollowTheSortOrder()
    {
        var ids = new List<string>();
        var url = "/fhir/Observation?performer=pr1&_sort=-date&_count=1";
        while (url is not null)
        {
            var bundle = await f.Search(url);
            ids.AddRange(SearchFixture.IdsOf(bundle));
            url = Link(bundle, "next");
        }
        Assert.Equal(["o3", "o1", "o2", "o4"], ids);
    }

    [Theory]
    [InlineData("/fhir/Observation?_sort=-date&_count=2", "o3,o1,o2,o4,o5")]
    [InlineData("/fhir/Observation?_sort=date&_count=2", "o2,o1,o3,o4,o5")]
    [InlineData("/fhir/Observation?_sort=date,-_id&_count=3", "o2,o1,o3,o5,o4")]
    public async Task Sort_WalkingTheDateIndex_ThenTheResourcesWithoutDate(string url, string expected)
    {
        var ids = new List<string>();
        string? next = url;
        while (next is not null)
        {
            var bundle = await f.Search(next);
            ids.AddRange(SearchFixture.IdsOf(bundle));
            next = Link(bundle, "next");
        }
        Assert.Equal(expected.Split(','), ids);
    }

    [Fact]
    public async Task Include_AddsReferencedResources()
    {
        var bundle = await f.Search("/fhir/Observation?code=8480-6&_include=Observation:patient");
        Assert.Equal(["o2"], SearchFixture.IdsOf(bundle));
        Assert.Equal(["p1"], SearchFixture.IdsOf(bundle, "include"));
        bundle = await f.Search("/fhir/Observation?code=8480-6&_include=Observation:performer:Organization");
        Assert.Empty(SearchFixture.IdsOf(bundle, "include"));
    }

    [Fact]
    public async Task RevInclude_AndIterate()
    {
        var bundle = await f.Search("/fhir/Patient?_id=p1&_revinclude=Observation:patient");
        Assert.Equal(["p1"], SearchFixture.IdsOf(bundle));
        Assert.Equal(["o1", "o2", "o3"], SearchFixture.IdsOf(bundle, "include").Order().ToList());

        bundle = await f.Search("/fhir/Observation?_id=o2&_include=Observation:patient&_include:iterate=Patient:organization");
        Assert.Equal(["org1", "p1"], SearchFixture.IdsOf(bundle, "include").Order().ToList());
        bundle = await f.Search("/fhir/Observation?_id=o2&_include=Observation:patient&_include=Patient:organization");
        Assert.Equal(["p1"], SearchFixture.IdsOf(bundle, "include"));
    }

    [Fact]
    public async Task Chain_OneAndTwoLevels()
    {
        Assert.Equal(["o4"], await f.Ids("/fhir/Observation?subject:Patient.name=muller"));
        Assert.Equal(["o4"], await f.Ids("/fhir/Observation?patient.family=muller"));
        Assert.Equal(["o1", "o2", "o3"], (await f.Ids("/fhir/Observation?patient.organization.name=huisarts")).Order().ToList());
        Assert.Equal(["o1", "o3"], (await f.Ids("/fhir/Observation?patient.organization.name=huisarts&category=laboratory")).Order().ToList());
        Assert.Equal(["a1"], await f.Ids("/fhir/Appointment?actor:Patient.identifier=111222333"));
    }

    [Fact]
    public async Task Has_ReverseChain()
    {
        Assert.Equal(["p1"], await f.Ids("/fhir/Patient?_has:Observation:patient:code=8480-6"));
        Assert.Equal(["p1", "p2"], (await f.Ids("/fhir/Patient?_has:Observation:patient:code=2345-7")).Order().ToList());
        Assert.Equal(["p2"], await f.Ids("/fhir/Patient?_has:Appointment:patient:actor=Practitioner/pr2"));
        Assert.Equal(["pr1"], await f.Ids("/fhir/Practitioner?_has:Observation:performer:patient.family=muller"));
        Assert.Equal(["org1"], await f.Ids("/fhir/Organization?_has:Patient:organization:_has:Observation:patient:code=8480-6"));
        Assert.Empty(await f.Ids("/fhir/Organization?_has:Patient:organization:_has:Observation:patient:code=nothing"));
    }

    [Fact]
    public async Task CompartmentSearch_LimitsToThePatient()
    {
        Assert.Equal(["o1", "o3"], (await f.Ids("/fhir/Patient/p1/Observation?category=laboratory")).Order().ToList());
        Assert.Equal(["a2", "a3"], (await f.Ids("/fhir/Patient/p2/Appointment")).Order().ToList());
        Assert.Empty(await f.Ids("/fhir/Patient/p3/Observation"));
    }

    [Fact]
    public async Task Count_Total_Summary_Elements()
    {
        var count = await f.Search("/fhir/Observation?category=laboratory&_summary=count");
        Assert.Equal(3, count.GetProperty("total").GetInt32());
        Assert.False(count.TryGetProperty("entry", out var e) && e.GetArrayLength() > 0);

        var none = await f.Search("/fhir/Observation?_count=1&_total=none");
        Assert.False(none.TryGetProperty("total", out _));
        var accurate = await f.Search("/fhir/Observation?_count=1&_total=accurate");
        Assert.Equal(5, accurate.GetProperty("total").GetInt32());
        Assert.Equal(5, (await f.Search("/fhir/Observation?_count=1&_total=estimate")).GetProperty("total").GetInt32());
        Assert.False((await f.Search("/fhir/Observation?_count=1")).TryGetProperty("total", out _));
        Assert.Equal(5, (await f.Search("/fhir/Observation")).GetProperty("total").GetInt32());

        var elements = await f.Search("/fhir/Patient?_id=p1&_elements=birthDate");
        var patient = elements.GetProperty("entry")[0].GetProperty("resource");
        Assert.Equal("1970-05-12", patient.GetProperty("birthDate").GetString());
        Assert.False(patient.TryGetProperty("name", out _));
        Assert.Contains(patient.GetProperty("meta").GetProperty("tag").EnumerateArray(), t => t.GetProperty("code").GetString() == "SUBSETTED");

        var summary = (await f.Search("/fhir/Patient?_id=p1&_summary=true")).GetProperty("entry")[0].GetProperty("resource");
        Assert.True(summary.TryGetProperty("name", out _));
        Assert.False(summary.TryGetProperty("generalPractitioner", out _) && false);
        var data = (await f.Search("/fhir/Patient?_id=p1&_summary=data")).GetProperty("entry")[0].GetProperty("resource");
        Assert.True(data.TryGetProperty("birthDate", out _));
    }

    [Fact]
    public async Task Count_Zero_ReturnsOnlyTheTotal()
    {
        var bundle = await f.Search("/fhir/Patient?_count=0");
        Assert.Equal(3, bundle.GetProperty("total").GetInt32());
        Assert.Empty(SearchFixture.IdsOf(bundle));
    }

    [Fact]
    public async Task UnknownParameter_StrictIs400_LenientReportsIt()
    {
        var strict = await f.Send(HttpMethod.Get, "/fhir/Patient?nonsense=1", "handling=strict");
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Contains("nonsense", (await strict.ReadJsonAsync()).Diagnostics());

        var lenient = await f.Search("/fhir/Patient?nonsense=1&gender=female");
        Assert.Equal(["p2"], SearchFixture.IdsOf(lenient));
        var outcome = lenient.GetProperty("entry").EnumerateArray().Single(x => x.GetProperty("search").GetProperty("mode").GetString() == "outcome");
        Assert.Equal("OperationOutcome", outcome.GetProperty("resource").GetProperty("resourceType").GetString());
        Assert.Contains("nonsense", outcome.GetProperty("resource").Diagnostics());

        var modifier = await f.Send(HttpMethod.Get, "/fhir/Patient?gender:below=male", "handling=strict");
        Assert.Equal(HttpStatusCode.BadRequest, modifier.StatusCode);
    }

    [Theory]
    [InlineData("/fhir/Patient?birthdate=notadate")]
    [InlineData("/fhir/Patient?birthdate=xx2020")]
    [InlineData("/fhir/Patient?birthdate=2020-13")]
    [InlineData("/fhir/Patient?_count=abc")]
    [InlineData("/fhir/Patient?_count=-1")]
    [InlineData("/fhir/Observation?value-quantity=abc")]
    [InlineData("/fhir/RiskAssessment?probability=gt")]
    [InlineData("/fhir/Patient?_cursor=bogus")]
    [InlineData("/fhir/Patient?_total=some")]
    [InlineData("/fhir/Patient?_summary=maybe")]
    [InlineData("/fhir/Patient?_include=Observation")]
    [InlineData("/fhir/Patient?gender:missing=perhaps")]
    [InlineData("/fhir/Observation?subject=Nonsense/1")]
    [InlineData("/fhir/Observation?subject.foo=1")]
    [InlineData("/fhir/Patient?_has:Observation=1")]
    [InlineData("/fhir/Patient?identifier:of-type=a|b")]
    [InlineData("/fhir/Patient?_sort=nonsense")]
    public async Task BadInput_Is400WithOutcome(string url)
    {
        var response = await f.Send(HttpMethod.Get, url, "handling=strict");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (await response.ReadJsonAsync()).GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task UnknownType_Is404()
    {
        var response = await f.Send(HttpMethod.Get, "/fhir/Nonsense?x=1");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metadata_ListsSearchParametersAndSearchType()
    {
        var statement = await (await f.Client.GetAsync("/fhir/metadata")).ReadJsonAsync();
        var patient = statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "Patient");
        var names = patient.GetProperty("searchParam").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("identifier", names);
        Assert.Contains("birthdate", names);
        Assert.Contains("_id", names);
        Assert.Contains(patient.GetProperty("interaction").EnumerateArray(), i => i.GetProperty("code").GetString() == "search-type");
    }

    public static string? Link(JsonElement bundle, string relation) =>
        bundle.GetProperty("link").EnumerateArray().Where(l => l.GetProperty("relation").GetString() == relation)
            .Select(l => new Uri(l.GetProperty("url").GetString()!).PathAndQuery).FirstOrDefault();
}
