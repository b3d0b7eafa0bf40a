using System.Net;
using System.Text;
using Fhir.Server.Tests.Infrastructure;

namespace Fhir.Server.Tests.Rest;

/// <summary>Bad input gets an OperationOutcome with the right 4xx, never a 500.</summary>
public class ErrorHandlingTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task AssertOutcome(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = await response.ReadJsonAsync();
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        if (code is not null)
            Assert.Equal(code, outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400WithPosition()
    {
        var response = await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"resourceType":"Patient",}"""));
        await AssertOutcome(response, HttpStatusCode.BadRequest, "structure");
        Assert.Contains("line 1", (await response.ReadJsonAsync()).Diagnostics());
    }

    [Fact]
    public async Task Create_EmptyBody_Returns400() =>
        await AssertOutcome(await _client.PostAsync("/fhir/Patient", FhirHttp.Json("")), HttpStatusCode.BadRequest);

    [Fact]
    public async Task Create_DuplicateProperty_Returns400() =>
        await AssertOutcome(await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"resourceType":"Patient","gender":"male","gender":"female"}""")), HttpStatusCode.BadRequest);

    [Fact]
    public async Task Create_WithoutResourceType_Returns400() =>
        await AssertOutcome(await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"gender":"male"}""")), HttpStatusCode.BadRequest, "required");

    [Fact]
    public async Task Create_JsonArray_Returns400() =>
        await AssertOutcome(await _client.PostAsync("/fhir/Patient", FhirHttp.Json("[1,2]")), HttpStatusCode.BadRequest);

    [Fact]
    public async Task Create_TypeMismatchWithUrl_Returns400() =>
        await AssertOutcome(await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"resourceType":"Observation"}""")), HttpStatusCode.BadRequest);

    [Fact]
    public async Task Create_UnknownElement_Returns400WithLocation()
    {
        var response = await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"resourceType":"Patient","name":[{"given":["Jan"],"nickname":"J"}]}"""));
        await AssertOutcome(response, HttpStatusCode.BadRequest);
        var outcome = await response.ReadJsonAsync();
        var expressions = outcome.GetProperty("issue").EnumerateArray()
            .SelectMany(i => i.TryGetProperty("expression", out var e) ? e.EnumerateArray().Select(x => x.GetString()) : []);
        Assert.Contains(expressions, e => e!.StartsWith("Patient.name[0]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_InvalidBsn_IsRejected()
    {
        var response = await _client.PostAsync("/fhir/Patient", FhirHttp.Json(
            """{"resourceType":"Patient","identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn","value":"123456789"}]}"""));
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, response.StatusCode.ToString());
        Assert.Contains("Patient.identifier[0]", (await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Create_UnknownType_Returns404() =>
        await AssertOutcome(await _client.PostAsync("/fhir/Unicorn", FhirHttp.Json("""{"resourceType":"Unicorn"}""")), HttpStatusCode.NotFound);

    [Fact]
    public async Task Create_XmlContentType_Returns415() =>
        await AssertOutcome(await _client.PostAsync("/fhir/Patient", new StringContent("<Patient/>", Encoding.UTF8, "application/fhir+xml")), HttpStatusCode.UnsupportedMediaType);

    [Fact]
    public async Task Read_AcceptXmlOnly_Returns406()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata");
        request.Headers.Accept.ParseAdd("application/fhir+xml");
        await AssertOutcome(await _client.SendAsync(request), HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task Read_FormatXml_Returns406() =>
        await AssertOutcome(await _client.GetAsync("/fhir/metadata?_format=xml"), HttpStatusCode.NotAcceptable);

    [Theory]
    [InlineData("json")]
    [InlineData("application/fhir+json")]
    [InlineData("application/json")]
    public async Task Read_FormatJson_IsServed(string format) =>
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/fhir/metadata?_format={Uri.EscapeDataString(format)}")).StatusCode);

    [Fact]
    public async Task Read_AcceptPlainJson_IsServed()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata");
        request.Headers.Accept.ParseAdd("application/json");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Outcome() =>
        await AssertOutcome(await _client.GetAsync("/fhir/Patient/1/_history/1/extra"), HttpStatusCode.NotFound);

    [Fact]
    public async Task WrongMethod_Returns405Outcome() =>
        await AssertOutcome(await _client.PatchAsync("/fhir/Patient", FhirHttp.Json("[]", "application/json-patch+json")), HttpStatusCode.MethodNotAllowed);

    [Fact]
    public async Task ConditionalDelete_WithoutCondition_Returns400() =>
        await AssertOutcome(await _client.DeleteAsync("/fhir/Patient"), HttpStatusCode.BadRequest);

    [Fact]
    public async Task IfMatch_Garbage_Returns400()
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/fhir/Patient/x") { Content = FhirHttp.Json("""{"resourceType":"Patient","id":"x"}""") };
        request.Headers.TryAddWithoutValidation("If-Match", "banana");
        await AssertOutcome(await _client.SendAsync(request), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task History_BadSince_Returns400() =>
        await AssertOutcome(await _client.GetAsync("/fhir/Patient/_history?_since=yesterday"), HttpStatusCode.BadRequest);

    [Fact]
    public async Task History_BadCount_Returns400() =>
        await AssertOutcome(await _client.GetAsync("/fhir/_history?_count=many"), HttpStatusCode.BadRequest);

    [Fact]
    public async Task DeeplyNestedJson_Returns400NotServerError()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500);
        var response = await _client.PostAsync("/fhir/Patient", FhirHttp.Json(deep));
        await AssertOutcome(response, HttpStatusCode.BadRequest);
    }
}

/// <summary>A host with a small body limit, to prove 413.</summary>
public class SmallBodyLimitFactory() : FhirServerFactory(new() { ["Fhir:MaxBodyBytes"] = "2048" });

public class BodyLimitTests(SmallBodyLimitFactory factory) : IClassFixture<SmallBodyLimitFactory>
{
    [Fact]
    public async Task Create_BodyOverLimit_Returns413()
    {
        var big = $$"""{"resourceType":"Patient","name":[{"text":"{{new string('x', 4000)}}"}]}""";
        var response = await factory.CreateClient().PostAsync("/fhir/Patient", FhirHttp.Json(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("OperationOutcome", (await response.ReadJsonAsync()).GetProperty("resourceType").GetString());
    }
}
