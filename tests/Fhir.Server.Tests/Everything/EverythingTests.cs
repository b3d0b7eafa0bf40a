using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Infrastructure;

namespace Fhir.Server.Tests.Everything;

/// <summary>https://hl7.org/fhir/R4/patient-operation-everything.html</summary>
public class EverythingTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task Put(string type, string id, string json) => _client.PutOkAsync(type, id, json);

    private async Task SeedAsync()
    {
        await Put("Patient", "ev-p1", """{"resourceType":"Patient","id":"ev-p1","name":[{"family":"Een"}]}""");
        await Put("Patient", "ev-p2", """{"resourceType":"Patient","id":"ev-p2","name":[{"family":"Twee"}]}""");
        for (var i = 0; i < 5; i++)
            await Put("Observation", $"ev-o1-{i}", $$$"""{"resourceType":"Observation","id":"ev-o1-{{{i}}}","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/ev-p1"}}""");
        await Put("Condition", "ev-c1", """{"resourceType":"Condition","id":"ev-c1","subject":{"reference":"Patient/ev-p1"}}""");
        await Put("Observation", "ev-o2", """{"resourceType":"Observation","id":"ev-o2","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/ev-p2"}}""");
    }

    private static List<string> Ids(JsonElement bundle) =>
        bundle.GetProperty("entry").EnumerateArray().Select(e => $"{e.GetProperty("resource").GetProperty("resourceType").GetString()}/{e.GetProperty("resource").GetProperty("id").GetString()}").ToList();

    [Fact]
    public async Task Everything_ReturnsPatientAndCompartmentOnly()
    {
        await SeedAsync();
        var bundle = await (await _client.GetAsync("/fhir/Patient/ev-p1/$everything?_count=100")).ReadJsonAsync();
        var ids = Ids(bundle);
        Assert.Contains("Patient/ev-p1", ids);
        Assert.Contains("Condition/ev-c1", ids);
        Assert.Equal(5, ids.Count(i => i.StartsWith("Observation/ev-o1-", StringComparison.Ordinal)));
        Assert.DoesNotContain("Observation/ev-o2", ids);
        Assert.DoesNotContain("Patient/ev-p2", ids);
    }

    [Fact]
    public async Task Everything_PagesWithCount()
    {
        await SeedAsync();
        var url = "/fhir/Patient/ev-p1/$everything?_count=2";
        var seen = new List<string>();
        for (var page = 0; url is not null && page < 10; page++)
        {
            var bundle = await (await _client.GetAsync(url)).ReadJsonAsync();
            seen.AddRange(Ids(bundle));
            url = bundle.GetProperty("link").EnumerateArray()
                .Where(l => l.GetProperty("relation").GetString() == "next")
                .Select(l => new Uri(l.GetProperty("url").GetString()!).PathAndQuery).FirstOrDefault();
        }
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Everything_TypeFilterAndSince()
    {
        await SeedAsync();
        var onlyConditions = Ids(await (await _client.GetAsync("/fhir/Patient/ev-p1/$everything?_type=Condition")).ReadJsonAsync());
        Assert.Equal(["Condition/ev-c1"], onlyConditions);

        await Task.Delay(20);
        var since = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        await Task.Delay(5);
        await Put("Condition", "ev-c1", """{"resourceType":"Condition","id":"ev-c1","subject":{"reference":"Patient/ev-p1"},"note":[{"text":"later"}]}""");
        var recent = Ids(await (await _client.GetAsync($"/fhir/Patient/ev-p1/$everything?_since={Uri.EscapeDataString(since)}")).ReadJsonAsync());
        Assert.Equal(["Condition/ev-c1"], recent);
    }

    [Fact]
    public async Task Everything_UnknownPatient_Returns404() =>
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/fhir/Patient/nobody-here/$everything")).StatusCode);

    [Fact]
    public async Task Everything_UnknownParameter_Returns400() =>
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/fhir/Patient/ev-p1/$everything?name=x")).StatusCode);
}
