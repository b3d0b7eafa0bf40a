using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Server.Tests.Infrastructure;

namespace Fhir.Server.Tests.Rest;

/// <summary>create, read, vread, update, patch and delete through the real pipeline and SQLite.</summary>
public class ResourceInteractionTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private const string Patient = """
        {"resourceType":"Patient","identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn","value":"111222333"}],
         "name":[{"family":"Jansen","given":["Jan"]}],"gender":"male","birthDate":"1970-03-01"}
        """;

    private async Task<JsonElement> CreatePatientAsync()
    {
        var response = await _client.PostAsync("/fhir/Patient", FhirHttp.Json(Patient));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Create_Patient_Returns201WithLocationETagAndMeta()
    {
        var response = await _client.PostAsync("/fhir/Patient", FhirHttp.Json(Patient));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal("1", body.GetProperty("meta").GetProperty("versionId").GetString());
        Assert.True(body.GetProperty("meta").TryGetProperty("lastUpdated", out _));
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.EndsWith($"/fhir/Patient/{id}/_history/1", response.Headers.Location!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Create_IgnoresClientId()
    {
        var response = await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"resourceType":"Patient","id":"mine"}"""));
        var body = await response.ReadJsonAsync();
        Assert.NotEqual("mine", body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Read_ReturnsStoredResourceWithVersionHeaders()
    {
        var created = await CreatePatientAsync();
        var id = created.GetProperty("id").GetString();

        var response = await _client.GetAsync($"/fhir/Patient/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal(created.ToString(), (await response.ReadJsonAsync()).ToString());
    }

    [Fact]
    public async Task Read_WithMatchingIfNoneMatch_Returns304()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{id}");
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse("W/\"1\""));
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Read_Unknown_Returns404OperationOutcome()
    {
        var response = await _client.GetAsync("/fhir/Patient/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var outcome = await response.ReadJsonAsync();
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal("not-found", outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Read_UnknownResourceType_Returns404()
    {
        var response = await _client.GetAsync("/fhir/Patientt/1");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Patientt", (await response.ReadJsonAsync()).Diagnostics());
    }

    [Fact]
    public async Task Read_InvalidId_Returns400()
    {
        var response = await _client.GetAsync("/fhir/Patient/" + new string('a', 65));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Update_NewId_CreatesWith201ThenUpdatesWith200()
    {
        var id = "upd-" + Guid.NewGuid().ToString("N")[..8];
        var json = $$"""{"resourceType":"Patient","id":"{{id}}","gender":"female"}""";

        var first = await _client.PutAsync($"/fhir/Patient/{id}", FhirHttp.Json(json));
        var second = await _client.PutAsync($"/fhir/Patient/{id}", FhirHttp.Json(json.Replace("female", "other")));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("W/\"2\"", second.Headers.ETag!.ToString());
        var v1 = await (await _client.GetAsync($"/fhir/Patient/{id}/_history/1")).ReadJsonAsync();
        var v2 = await (await _client.GetAsync($"/fhir/Patient/{id}")).ReadJsonAsync();
        Assert.Equal("female", v1.GetProperty("gender").GetString());
        Assert.Equal("other", v2.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Update_IdMismatch_Returns400()
    {
        var response = await _client.PutAsync("/fhir/Patient/abc", FhirHttp.Json("""{"resourceType":"Patient","id":"xyz"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("differs", (await response.ReadJsonAsync()).Diagnostics());
    }

    [Fact]
    public async Task Update_WithoutId_Returns400()
    {
        var response = await _client.PutAsync("/fhir/Patient/abc", FhirHttp.Json("""{"resourceType":"Patient"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Update_StaleIfMatch_Returns412AndKeepsCurrentVersion()
    {
        var created = await CreatePatientAsync();
        var id = created.GetProperty("id").GetString()!;
        var json = $$"""{"resourceType":"Patient","id":"{{id}}","gender":"female"}""";
        var ok = await _client.PutWithIfMatchAsync($"/fhir/Patient/{id}", json, "W/\"1\"");
        var stale = await _client.PutWithIfMatchAsync($"/fhir/Patient/{id}", json, "W/\"1\"");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var current = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal("W/\"2\"", current.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task VRead_UnknownVersion_Returns404()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/fhir/Patient/{id}/_history/9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/fhir/Patient/{id}/_history/x")).StatusCode);
    }

    [Fact]
    public async Task Delete_ThenRead_Returns410AndHistoryKeepsBoth()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();

        var delete = await _client.DeleteAsync($"/fhir/Patient/{id}");
        var read = await _client.GetAsync($"/fhir/Patient/{id}");
        var vread = await _client.GetAsync($"/fhir/Patient/{id}/_history/1");
        var again = await _client.DeleteAsync($"/fhir/Patient/{id}");
        var history = await (await _client.GetAsync($"/fhir/Patient/{id}/_history")).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, vread.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(2, history.GetProperty("total").GetInt32());
        Assert.Equal("DELETE", history.GetProperty("entry")[0].GetProperty("request").GetProperty("method").GetString());
    }

    [Fact]
    public async Task Update_AfterDelete_RecreatesWithNextVersion()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();
        await _client.DeleteAsync($"/fhir/Patient/{id}");
        var response = await _client.PutAsync($"/fhir/Patient/{id}", FhirHttp.Json($$"""{"resourceType":"Patient","id":"{{id}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("W/\"3\"", response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Patch_JsonPatch_AppliesAndVersions()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();
        var patch = """[{"op":"replace","path":"/gender","value":"female"},{"op":"add","path":"/name/0/given/-","value":"Pieter"}]""";

        var response = await _client.PatchAsync($"/fhir/Patient/{id}", FhirHttp.Json(patch, "application/json-patch+json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("female", body.GetProperty("gender").GetString());
        Assert.Equal("Pieter", body.GetProperty("name")[0].GetProperty("given")[1].GetString());
        Assert.Equal("2", body.GetProperty("meta").GetProperty("versionId").GetString());
    }

    [Fact]
    public async Task Patch_FailedTest_Returns422AndChangesNothing()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();
        var patch = """[{"op":"test","path":"/gender","value":"female"},{"op":"replace","path":"/gender","value":"other"}]""";

        var response = await _client.PatchAsync($"/fhir/Patient/{id}", FhirHttp.Json(patch, "application/json-patch+json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var current = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal("W/\"1\"", current.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Patch_ResultInvalid_Returns422()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();
        var patch = """[{"op":"add","path":"/colour","value":"blue"}]""";
        var response = await _client.PatchAsync($"/fhir/Patient/{id}", FhirHttp.Json(patch, "application/json-patch+json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Patch_WithFhirJsonContentType_Returns415()
    {
        var id = (await CreatePatientAsync()).GetProperty("id").GetString();
        var response = await _client.PatchAsync($"/fhir/Patient/{id}", FhirHttp.Json("[]"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Create_PreferMinimal_ReturnsNoBody()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = FhirHttp.Json(Patient) };
        request.Headers.Add("Prefer", "return=minimal");
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(response.Headers.Location);
    }

    [Fact]
    public async Task Create_PreferOperationOutcome_ReturnsOutcome()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = FhirHttp.Json(Patient) };
        request.Headers.Add("Prefer", "return=OperationOutcome");
        var response = await _client.SendAsync(request);
        Assert.Equal("OperationOutcome", (await response.ReadJsonAsync()).GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task Create_KeepsDecimalPrecision()
    {
        var json = """
            {"resourceType":"Observation","status":"final","code":{"text":"Glucose"},
             "valueQuantity":{"value":1.50,"unit":"mmol/L"},"referenceRange":[{"low":{"value":4.0},"high":{"value":6.10}}]}
            """;
        var response = await _client.PostAsync("/fhir/Observation", FhirHttp.Json(json));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("\"value\":1.50", text);
        Assert.Contains("\"value\":4.0", text);
        Assert.Contains("\"value\":6.10", text);
    }

    [Fact]
    public async Task Create_KeepsNonAsciiText()
    {
        var json = """{"resourceType":"Patient","name":[{"family":"Müller-Çelik","given":["Zoë"]}]}""";
        var text = await (await _client.PostAsync("/fhir/Patient", FhirHttp.Json(json))).Content.ReadAsStringAsync();
        Assert.Contains("Müller-Çelik", text);
        Assert.Contains("Zoë", text);
    }
}
