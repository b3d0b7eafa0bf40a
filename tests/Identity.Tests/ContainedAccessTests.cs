using System.Net;
using System.Text;
using System.Text.Json;

namespace Identity.Tests;

/// <summary>
/// A contained resource is part of its container's record: a search for contained resources (_contained) or a chain into
/// them shows a patient only those of the own record, and a GP only those of the own practice's patients.
/// </summary>
public class ContainedAccessTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private const string Code = "A10AE04";

    private static string Prescription(string id, string patient, string local) => $$"""
        {"resourceType":"MedicationRequest","id":"{{id}}","status":"active","intent":"order",
         "contained":[{"resourceType":"Medication","id":"{{local}}","code":{"coding":[{"system":"http://www.whocc.no/atc","code":"{{Code}}"}]} }],
         "medicationReference":{"reference":"#{{local}}"},"subject":{"reference":"Patient/{{patient}}"} }
        """;

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string token, string? body = null)
    {
        using var client = factory.Anonymous();
        return await client.SendAsync(IdentityFactory.WithToken(method, url, token,
            body is null ? null : new StringContent(body, Encoding.UTF8, "application/fhir+json")));
    }

    private async Task<List<string>> FullUrls(string url, string token)
    {
        var response = await Send(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Where(e => e.GetProperty("search").GetProperty("mode").GetString() == "match")
                .Select(e => e.GetProperty("fullUrl").GetString()!).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private async Task Seed()
    {
        var system = await factory.SystemTokenAsync();
        foreach (var (id, body) in new[]
        {
            ("patient-elders", """{"resourceType":"Patient","id":"patient-elders","managingOrganization":{"reference":"Organization/andere-praktijk"}}"""),
        })
        {
            Assert.True((await Send(HttpMethod.Put, $"/fhir/Patient/{id}", system, body)).IsSuccessStatusCode);
        }
        foreach (var (id, patient, local) in new[]
        {
            ("insuline-pieter", "patient-pieter-van-den-berg", "med-pieter"),
            ("insuline-fatima", "patient-fatima-el-amrani", "med-fatima"),
            ("insuline-elders", "patient-elders", "med-elders"),
        })
        {
            Assert.True((await Send(HttpMethod.Put, $"/fhir/MedicationRequest/{id}", system, Prescription(id, patient, local))).IsSuccessStatusCode);
        }
    }

    [Fact]
    public async Task Patient_FindsTheContainedResourcesOfTheOwnRecordOnly()
    {
        await Seed();
        OAuthFlow.RegisterApp(factory);
        var pieter = (await OAuthFlow.TokenForAsync(factory, "pieter.vandenberg@example.nl", "06-10000003", "launch/patient patient/*.rs", "patient-pieter-van-den-berg"))
            .GetProperty("access_token").GetString()!;

        Assert.Equal(["http://localhost/fhir/MedicationRequest/insuline-pieter"], await FullUrls($"/fhir/Medication?code={Code}&_contained=true", pieter));
        Assert.Equal(["http://localhost/fhir/MedicationRequest/insuline-pieter#med-pieter"],
            await FullUrls($"/fhir/Medication?code={Code}&_contained=both&_containedType=contained", pieter));
        Assert.Equal(["http://localhost/fhir/MedicationRequest/insuline-pieter"], await FullUrls($"/fhir/MedicationRequest?medication.code={Code}", pieter));
        Assert.Empty(await FullUrls($"/fhir/Patient/patient-fatima-el-amrani/Medication?_contained=true&code={Code}", pieter));

        var system = await factory.SystemTokenAsync();
        Assert.Equal(3, (await FullUrls($"/fhir/Medication?code={Code}&_contained=true", system)).Count);
        Assert.Equal(3, (await FullUrls($"/fhir/MedicationRequest?medication.code={Code}", system)).Count);
    }

    [Fact]
    public async Task Huisarts_FindsTheContainedResourcesOfTheOwnPracticesPatientsOnly()
    {
        await Seed();
        var gp = (await OAuthFlow.TokenThroughAppAsync(factory, "staff-app", "openid fhirUser user/*.cruds", "openid fhirUser user/*.cruds",
            "anna.devries@praktijkdelinde.nl", "06-10000011")).GetProperty("access_token").GetString()!;

        var found = await FullUrls($"/fhir/Medication?code={Code}&_contained=true&_containedType=contained", gp);
        Assert.Contains("http://localhost/fhir/MedicationRequest/insuline-pieter#med-pieter", found);
        Assert.DoesNotContain("http://localhost/fhir/MedicationRequest/insuline-elders#med-elders", found);
        Assert.DoesNotContain("http://localhost/fhir/MedicationRequest/insuline-elders", await FullUrls($"/fhir/MedicationRequest?medication.code={Code}", gp));
    }
}
