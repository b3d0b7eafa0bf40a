using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Infrastructure;

namespace Fhir.Server.Tests.Rest;

public class HistoryAndCapabilityTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Metadata_ListsEveryR4ResourceTypeWithImplementedInteractions()
    {
        var statement = await (await _client.GetAsync("/fhir/metadata")).ReadJsonAsync();

        Assert.Equal("CapabilityStatement", statement.GetProperty("resourceType").GetString());
        Assert.Equal("4.0.1", statement.GetProperty("fhirVersion").GetString());
        var resources = statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().ToList();
        Assert.Equal(146, resources.Count);
        var patient = resources.Single(r => r.GetProperty("type").GetString() == "Patient");
        var interactions = patient.GetProperty("interaction").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList();
        Assert.Contains("patch", interactions);
        Assert.Contains("history-instance", interactions);
        Assert.Equal("versioned-update", patient.GetProperty("versioning").GetString());
        Assert.True(patient.GetProperty("conditionalCreate").GetBoolean());
        Assert.Equal("single", patient.GetProperty("conditionalDelete").GetString());
        var system = statement.GetProperty("rest")[0].GetProperty("interaction").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList();
        Assert.Contains("transaction", system);
        Assert.Contains("batch", system);
    }

    [Fact]
    public async Task TypeHistory_PagesThroughAllVersionsWithStableCursor()
    {
        var type = "Basic";
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var created = await (await _client.PostAsync($"/fhir/{type}", FhirHttp.Json("""{"resourceType":"Basic","code":{"text":"t"}}"""))).ReadJsonAsync();
            ids.Add(created.GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        var url = $"/fhir/{type}/_history?_count=3";
        var pages = 0;
        while (url is not null)
        {
            var bundle = await (await _client.GetAsync(url)).ReadJsonAsync();
            Assert.Equal("history", bundle.GetProperty("type").GetString());
            seen.AddRange(bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource").GetProperty("id").GetString()!));
            url = bundle.GetProperty("link").EnumerateArray()
                .Where(l => l.GetProperty("relation").GetString() == "next")
                .Select(l => new Uri(l.GetProperty("url").GetString()!).PathAndQuery)
                .FirstOrDefault();
            pages++;
            if (pages == 1)
                await _client.PostAsync($"/fhir/{type}", FhirHttp.Json("""{"resourceType":"Basic","code":{"text":"late"}}"""));
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task InstanceHistory_NewestFirstWithRequestAndResponse()
    {
        var created = await (await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"resourceType":"Patient","gender":"male"}"""))).ReadJsonAsync();
        var id = created.GetProperty("id").GetString();
        await _client.PutAsync($"/fhir/Patient/{id}", FhirHttp.Json($$"""{"resourceType":"Patient","id":"{{id}}","gender":"female"}"""));

        var bundle = await (await _client.GetAsync($"/fhir/Patient/{id}/_history")).ReadJsonAsync();

        var entries = bundle.GetProperty("entry");
        Assert.Equal(2, entries.GetArrayLength());
        Assert.Equal("2", entries[0].GetProperty("resource").GetProperty("meta").GetProperty("versionId").GetString());
        Assert.Equal("PUT", entries[0].GetProperty("request").GetProperty("method").GetString());
        Assert.Equal("POST", entries[1].GetProperty("request").GetProperty("method").GetString());
        Assert.Equal("201 Created", entries[1].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("W/\"2\"", entries[0].GetProperty("response").GetProperty("etag").GetString());
    }

    [Fact]
    public async Task InstanceHistory_UnknownResource_Returns404() =>
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/fhir/Patient/nobody/_history")).StatusCode);

    [Fact]
    public async Task SystemHistory_Since_ExcludesOlderVersions()
    {
        await _client.PostAsync("/fhir/Basic", FhirHttp.Json("""{"resourceType":"Basic","code":{"text":"old"}}"""));
        await Task.Delay(20);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(5);
        var fresh = await (await _client.PostAsync("/fhir/Basic", FhirHttp.Json("""{"resourceType":"Basic","code":{"text":"new"}}"""))).ReadJsonAsync();

        var bundle = await (await _client.GetAsync($"/fhir/_history?_since={Uri.EscapeDataString(since.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"))}")).ReadJsonAsync();

        // The access log writes AuditEvents in the background, possibly after _since; they are not what this test is about.
        var ids = bundle.GetProperty("entry").EnumerateArray()
            .Where(e => e.GetProperty("resource").GetProperty("resourceType").GetString() != "AuditEvent")
            .Select(e => e.GetProperty("resource").GetProperty("id").GetString()).ToList();
        Assert.Equal([fresh.GetProperty("id").GetString()], ids);
    }

    [Fact]
    public async Task Validate_ValidResource_ReturnsAllOk()
    {
        var response = await _client.PostAsync("/fhir/Patient/$validate", FhirHttp.Json("""{"resourceType":"Patient","gender":"male"}"""));
        var outcome = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(outcome.GetProperty("issue").EnumerateArray(), i => i.GetProperty("severity").GetString() is "error" or "fatal");
    }

    [Fact]
    public async Task Validate_InvalidResourceInParameters_ReturnsIssuesAndStoresNothing()
    {
        var before = await (await _client.GetAsync("/fhir/Patient/_history?_count=1000")).ReadJsonAsync();
        var body = """{"resourceType":"Parameters","parameter":[{"name":"resource","resource":{"resourceType":"Patient","gender":"unknown-gender"}}]}""";

        var response = await _client.PostAsync("/fhir/Patient/$validate", FhirHttp.Json(body));

        var outcome = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(outcome.GetProperty("issue").EnumerateArray(), i => i.GetProperty("severity").GetString() == "error");
        var after = await (await _client.GetAsync("/fhir/Patient/_history?_count=1000")).ReadJsonAsync();
        Assert.Equal(before.GetProperty("entry").GetArrayLength(), after.GetProperty("entry").GetArrayLength());
    }

    [Fact]
    public async Task Validate_Instance_ChecksTheBody()
    {
        var response = await _client.PostAsync("/fhir/Patient/p1/$validate", FhirHttp.Json("""{"resourceType":"Patient","id":"p1","birthDate":"1970-13-01"}"""));
        var outcome = await response.ReadJsonAsync();
        Assert.Contains(outcome.GetProperty("issue").EnumerateArray(),
            i => i.GetProperty("expression")[0].GetString() == "Patient.birthDate");
    }
}
