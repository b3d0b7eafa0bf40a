using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Infrastructure;

namespace Fhir.Server.Tests.Bundles;

/// <summary>Transactions and batches: https://hl7.org/fhir/R4/http.html#transaction</summary>
public class TransactionTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostBundle(string json)
    {
        var response = await _client.PostAsync("/fhir", FhirHttp.Json(json));
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    /// <summary>Versions of clinical data; the access log's AuditEvents arrive on their own schedule and are left out.</summary>
    private async Task<long> CountVersions()
    {
        var bundle = await (await _client.GetAsync("/fhir/_history?_count=1000")).ReadJsonAsync();
        return bundle.GetProperty("entry").EnumerateArray()
            .Count(e => !e.GetProperty("request").GetProperty("url").GetString()!.StartsWith("AuditEvent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Transaction_WithUrnUuidReferences_RewritesToNewIds()
    {
        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
               "resource":{"resourceType":"Observation","status":"final","code":{"text":"Glucose"},
                           "subject":{"reference":"urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059"}},
               "request":{"method":"POST","url":"Observation"}},
              {"fullUrl":"urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059",
               "resource":{"resourceType":"Patient","name":[{"family":"Visser"}]},
               "request":{"method":"POST","url":"Patient"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("transaction-response", body.GetProperty("type").GetString());
        var entries = body.GetProperty("entry");
        Assert.Equal("201 Created", entries[0].GetProperty("response").GetProperty("status").GetString());
        var patientId = entries[1].GetProperty("resource").GetProperty("id").GetString();
        var subject = entries[0].GetProperty("resource").GetProperty("subject").GetProperty("reference").GetString();
        Assert.Equal($"Patient/{patientId}", subject);
        var observationUrl = new Uri(entries[0].GetProperty("response").GetProperty("location").GetString()!).AbsolutePath;
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(observationUrl)).StatusCode);
    }

    [Fact]
    public async Task Transaction_OneInvalidEntry_ChangesNothing()
    {
        await _client.PutAsync("/fhir/Patient/tx-keep", FhirHttp.Json("""{"resourceType":"Patient","id":"tx-keep","gender":"male"}"""));
        var before = await CountVersions();

        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","gender":"female"},"request":{"method":"POST","url":"Patient"}},
              {"request":{"method":"DELETE","url":"Patient/tx-keep"}},
              {"resource":{"resourceType":"Patient","id":"tx-new","gender":"not-a-gender"},"request":{"method":"PUT","url":"Patient/tx-new"}}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
        Assert.Contains("Bundle.entry[2]", body.Diagnostics());
        Assert.Equal(before, await CountVersions());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/Patient/tx-keep")).StatusCode);
    }

    [Fact]
    public async Task Transaction_StaleIfMatchInsideUnit_RollsBackEarlierEntries()
    {
        await _client.PutAsync("/fhir/Patient/tx-ifmatch", FhirHttp.Json("""{"resourceType":"Patient","id":"tx-ifmatch"}"""));
        await _client.PutAsync("/fhir/Patient/tx-ifmatch", FhirHttp.Json("""{"resourceType":"Patient","id":"tx-ifmatch","gender":"male"}"""));
        var before = await CountVersions();

        var (status, _) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Basic","code":{"text":"a"}},"request":{"method":"POST","url":"Basic"}},
              {"resource":{"resourceType":"Patient","id":"tx-ifmatch","gender":"female"},"request":{"method":"PUT","url":"Patient/tx-ifmatch","ifMatch":"W/\"1\""}}]}
            """);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal(before, await CountVersions());
    }

    [Fact]
    public async Task Transaction_ProcessesDeleteBeforePostBeforePutThenGet()
    {
        await _client.PutAsync("/fhir/Basic/tx-order", FhirHttp.Json("""{"resourceType":"Basic","id":"tx-order","code":{"text":"old"}}"""));

        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"request":{"method":"GET","url":"Basic/tx-order"}},
              {"resource":{"resourceType":"Basic","id":"tx-order","code":{"text":"new"}},"request":{"method":"PUT","url":"Basic/tx-order"}},
              {"request":{"method":"DELETE","url":"Basic/tx-order"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = body.GetProperty("entry");
        Assert.Equal("204 No Content", entries[2].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("201 Created", entries[1].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("new", entries[0].GetProperty("resource").GetProperty("code").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Transaction_PatchEntryWithBinaryJsonPatch_Applies()
    {
        await _client.PutAsync("/fhir/Patient/tx-patch", FhirHttp.Json("""{"resourceType":"Patient","id":"tx-patch","gender":"male"}"""));
        var patch = Convert.ToBase64String(Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/gender","value":"female"}]"""));

        var (status, body) = await PostBundle($$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"{{{patch}}}"},
               "request":{"method":"PATCH","url":"Patient/tx-patch"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("female", body.GetProperty("entry")[0].GetProperty("resource").GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Batch_BadEntry_DoesNotSpoilOthers()
    {
        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"batch","entry":[
              {"resource":{"resourceType":"Patient","gender":"female"},"request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Patient","gender":"banana"},"request":{"method":"POST","url":"Patient"}},
              {"request":{"method":"GET","url":"Patient/does-not-exist"}},
              {"resource":{"resourceType":"Basic","code":{"text":"ok"}},"request":{"method":"POST","url":"Basic"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("batch-response", body.GetProperty("type").GetString());
        var entries = body.GetProperty("entry");
        Assert.Equal("201 Created", entries[0].GetProperty("response").GetProperty("status").GetString());
        Assert.StartsWith("400", entries[1].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("OperationOutcome", entries[1].GetProperty("response").GetProperty("outcome").GetProperty("resourceType").GetString());
        Assert.StartsWith("404", entries[2].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("201 Created", entries[3].GetProperty("response").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"resourceType":"Bundle","type":"collection"}""")]
    [InlineData("""{"resourceType":"Patient"}""")]
    [InlineData("""{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}""")]
    [InlineData("""{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"FETCH","url":"Patient"}}]}""")]
    [InlineData("""{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient"}}]}""")]
    [InlineData("""{"resourceType":"Bundle","type":"transaction","entry":{"request":{"method":"GET","url":"Patient/1"}}}""")]
    public async Task MalformedBundle_Returns400(string json)
    {
        var (status, body) = await PostBundle(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task Transaction_UnknownTypeInEntry_Returns404AndChangesNothing()
    {
        var before = await CountVersions();
        var (status, _) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Basic","code":{"text":"a"}},"request":{"method":"POST","url":"Basic"}},
              {"resource":{"resourceType":"Dragon"},"request":{"method":"POST","url":"Dragon"}}]}
            """);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(before, await CountVersions());
    }

    [Fact]
    public async Task Transaction_UrnReferencesInNestedElementsAndArrays_AreRewrittenAndOtherValuesKeptExactly()
    {
        const string patientUrl = "urn:uuid:0b0c2a57-5d4e-4a5e-9b0f-3c1f7b2e9d11";
        var (status, body) = await PostBundle($$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:5f0d8e4c-8a51-4c7e-a0c2-6d2b1f3e4a55",
               "resource":{"resourceType":"Observation","status":"final","code":{"text":"Glucose"},
                 "subject":{"reference":"{{{patientUrl}}}"},
                 "performer":[{"reference":"{{{patientUrl}}}"}],
                 "valueQuantity":{"value":1.50,"unit":"mmol/l"},
                 "note":[{"text":"caf\u00e9, zie {{{patientUrl}}}"}],
                 "derivedFrom":[{"identifier":{"system":"urn:ietf:rfc:3986","value":"{{{patientUrl}}}"}}]},
               "request":{"method":"POST","url":"Observation"}},
              {"fullUrl":"{{{patientUrl}}}",
               "resource":{"resourceType":"Patient","name":[{"family":"Visser"}]},
               "request":{"method":"POST","url":"Patient"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var patientId = body.GetProperty("entry")[1].GetProperty("resource").GetProperty("id").GetString();
        var location = new Uri(body.GetProperty("entry")[0].GetProperty("response").GetProperty("location").GetString()!).AbsolutePath;
        var stored = await (await _client.GetAsync(location[..location.IndexOf("/_history", StringComparison.Ordinal)])).Content.ReadAsStringAsync();
        Assert.Contains($"\"subject\":{{\"reference\":\"Patient/{patientId}\"}}", stored);
        Assert.Contains($"\"performer\":[{{\"reference\":\"Patient/{patientId}\"}}]", stored);
        Assert.Contains($"\"value\":\"Patient/{patientId}\"", stored);
        Assert.Contains("\"value\":1.50", stored);
        Assert.Contains($"\"text\":\"café, zie {patientUrl}\"", stored);
        Assert.Contains("\"meta\":{\"versionId\":\"1\"", stored);
    }

    [Fact]
    public async Task Transaction_PutEntry_StoresTheIdOfTheUrl()
    {
        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Basic","code":{"text":"no id"}},"request":{"method":"PUT","url":"Basic/tx-put-no-id"}},
              {"resource":{"resourceType":"Basic","id":"tx-put-same","code":{"text":"same id"}},"request":{"method":"PUT","url":"Basic/tx-put-same"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = body.GetProperty("entry");
        Assert.Equal("tx-put-no-id", entries[0].GetProperty("resource").GetProperty("id").GetString());
        Assert.Equal("tx-put-same", entries[1].GetProperty("resource").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/Basic/tx-put-no-id")).StatusCode);
    }

    [Fact]
    public async Task Transaction_ConditionalReference_ResolvesToTheOneMatch()
    {
        await _client.PutAsync("/fhir/Patient/tx-cond-ref", FhirHttp.Json(
            """{"resourceType":"Patient","id":"tx-cond-ref","identifier":[{"system":"http://example.org/mrn","value":"tx-cond-ref-1"}]}"""));

        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
                           "subject":{"reference":"Patient?identifier=http://example.org/mrn|tx-cond-ref-1"}},
               "request":{"method":"POST","url":"Observation"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Patient/tx-cond-ref",
            body.GetProperty("entry")[0].GetProperty("resource").GetProperty("subject").GetProperty("reference").GetString());
    }

    [Fact]
    public async Task Transaction_ConditionalReferenceWithoutMatch_Returns412NamingTheEntry()
    {
        var before = await CountVersions();
        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Basic","code":{"text":"a"}},"request":{"method":"POST","url":"Basic"}},
              {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
                           "subject":{"reference":"Patient?identifier=http://example.org/mrn|nobody"}},
               "request":{"method":"POST","url":"Observation"}}]}
            """);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Contains("Bundle.entry[1]", body.Diagnostics());
        Assert.Equal(before, await CountVersions());
    }

    [Fact]
    public async Task Batch_PutWithConditionalReference_ResolvesItAndStoresTheIdOfTheUrl()
    {
        await _client.PutAsync("/fhir/Patient/tx-batch-ref", FhirHttp.Json(
            """{"resourceType":"Patient","id":"tx-batch-ref","identifier":[{"system":"http://example.org/mrn","value":"tx-batch-ref-1"}]}"""));

        var (status, body) = await PostBundle("""
            {"resourceType":"Bundle","type":"batch","entry":[
              {"resource":{"resourceType":"Basic","code":{"text":"x"},"subject":{"reference":"Patient?identifier=http://example.org/mrn|tx-batch-ref-1"}},
               "request":{"method":"PUT","url":"Basic/tx-batch-put"}},
              {"resource":{"resourceType":"Basic","code":{"text":"y"},"subject":{"reference":"Patient?identifier=http://example.org/mrn|nobody"}},
               "request":{"method":"POST","url":"Basic"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = body.GetProperty("entry");
        Assert.Equal("201 Created", entries[0].GetProperty("response").GetProperty("status").GetString());
        var stored = entries[0].GetProperty("resource");
        Assert.Equal("tx-batch-put", stored.GetProperty("id").GetString());
        Assert.Equal("Patient/tx-batch-ref", stored.GetProperty("subject").GetProperty("reference").GetString());
        Assert.StartsWith("412", entries[1].GetProperty("response").GetProperty("status").GetString());
    }
}
