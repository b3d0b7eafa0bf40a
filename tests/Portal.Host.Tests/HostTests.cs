using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.Host.Tests;

/// <summary>The host with the demo practice, over a temporary SQLite file.</summary>
public sealed class DemoHostFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "portal-host-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(DataDirectory);
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={Path.Combine(DataDirectory, "portal.db")}");
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:SlotDays", "7");
    }

    /// <summary>Clients carry a real system/*.cruds token from the token endpoint (client_secret_basic test client).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        _token ??= ObtainToken();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token);
    }

    private string? _token;

    private string ObtainToken()
    {
        ((Identity.OAuth.ClientRegistry)Services.GetService(typeof(Identity.OAuth.ClientRegistry))!)
            .Save("test-his", "Test HIS", Identity.OAuth.ClientAuthMethods.ClientSecretBasic, ["system/*.cruds"], secret: HostProcess.TestClientSecret);
        using var client = Server.CreateClient();
        return HostProcess.RequestSystemTokenAsync(client).GetAwaiter().GetResult();
    }
}

public class HostTests(DemoHostFactory factory) : IClassFixture<DemoHostFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task HealthLive_And_Ready_Answer200()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task DemoPractice_HasOrganizationWithAgbAndStaff()
    {
        var org = await Json("/fhir/Organization/praktijk-de-linde");
        Assert.Equal("http://fhir.nl/fhir/NamingSystem/agb-z", org.GetProperty("identifier")[0].GetProperty("system").GetString());
        foreach (var id in new[] { "huisarts-de-vries", "huisarts-jansen", "huisarts-bakker", "poh-visser", "assistent-de-boer", "assistent-mulder" })
            Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/fhir/Practitioner/{id}")).StatusCode);
        var group = await Json("/fhir/PractitionerRole/groep-de-assistentes");
        Assert.Equal("De assistentes", group.GetProperty("code")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task DemoPractice_PatientsHaveValidBsnAndChildrenOf10And14()
    {
        foreach (var id in new[] { "patient-emma-de-jong", "patient-sophie-de-jong", "patient-daan-de-jong", "patient-pieter-van-den-berg" })
        {
            var patient = await Json($"/fhir/Patient/{id}");
            var bsn = patient.GetProperty("identifier")[0];
            Assert.Equal("http://fhir.nl/fhir/NamingSystem/bsn", bsn.GetProperty("system").GetString());
            Assert.True(Fhir.Server.Validation.Bsn.IsValid(bsn.GetProperty("value").GetString()));
        }
        Assert.Equal(10, Age(await Json("/fhir/Patient/patient-sophie-de-jong")));
        Assert.Equal(14, Age(await Json("/fhir/Patient/patient-daan-de-jong")));
        var parent = await Json("/fhir/RelatedPerson/ouder-patient-emma-de-jong-van-patient-sophie-de-jong");
        Assert.Equal("Patient/patient-sophie-de-jong", parent.GetProperty("patient").GetProperty("reference").GetString());
    }

    [Fact]
    public async Task DemoPractice_HasRecordAndFreeSlots()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/MedicationRequest/med-pieter-metformine")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/Observation/lab-pieter-hba1c-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/AllergyIntolerance/allergie-fatima-penicilline")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/Condition/cond-pieter-dm2")).StatusCode);
        var slots = await Json("/fhir/Slot/_history?_count=500");
        Assert.True(slots.GetProperty("entry").GetArrayLength() > 20);
        Assert.All(slots.GetProperty("entry").EnumerateArray(), e => Assert.Equal("free", e.GetProperty("resource").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task DemoPractice_SeedingTwice_ChangesNothing()
    {
        // The access log keeps writing AuditEvents in the background, so "nothing changed" means:
        // no version of any other type was written while the seeder ran a second time.
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz");
        var seeder = (Portal.Host.Demo.DemoPractice)factory.Services.GetService(typeof(Portal.Host.Demo.DemoPractice))!;
        await seeder.SeedAsync(CancellationToken.None);
        var written = await Json($"/fhir/_history?_since={Uri.EscapeDataString(since)}&_count=1000");
        var types = written.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource").GetProperty("resourceType").GetString()).ToList()
            : [];
        Assert.All(types, type => Assert.Equal("AuditEvent", type));
        Assert.Equal("1", (await Json("/fhir/Patient/patient-emma-de-jong")).GetProperty("meta").GetProperty("versionId").GetString());
    }

    private async Task<JsonElement> Json(string url)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static int Age(JsonElement patient)
    {
        var birth = DateOnly.Parse(patient.GetProperty("birthDate").GetString()!);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var age = today.Year - birth.Year;
        return birth.AddYears(age) > today ? age - 1 : age;
    }
}
