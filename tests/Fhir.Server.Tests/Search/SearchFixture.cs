using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Server.Tests.Infrastructure;

namespace Fhir.Server.Tests.Search;

/// <summary>One server with a small practice loaded once for all search tests of a class (<see cref="SeedAsync"/>).</summary>
public class SearchFixture : FhirServerFactory, IAsyncLifetime
{
    public const string Bsn = "http://fhir.nl/fhir/NamingSystem/bsn";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Category = "http://terminology.hl7.org/CodeSystem/observation-category";

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client = CreateClient();
        await SeedAsync();
    }

    /// <summary>The resources the tests search.</summary>
    protected virtual async Task SeedAsync()
    {
        await Put("Organization", "org1", """{"resourceType":"Organization","id":"org1","name":"Huisartsenpraktijk De Linde"}""");
        await Put("Practitioner", "pr1", """{"resourceType":"Practitioner","id":"pr1","name":[{"family":"de Vries","given":["Anna"]}]}""");
        await Put("Practitioner", "pr2", """{"resourceType":"Practitioner","id":"pr2","name":[{"family":"Jansen","given":["Bram"]}]}""");
        await Put("Patient", "p1", """
            {"resourceType":"Patient","id":"p1","meta":{"tag":[{"system":"http://example.org/tags","code":"vip"}]},
             "identifier":[{"system":"BSN","value":"111222333"}],"active":true,
             "name":[{"family":"van den Berg","given":["Pieter"]}],"gender":"male","birthDate":"1970-05-12",
             "managingOrganization":{"reference":"Organization/org1"},"generalPractitioner":[{"reference":"Practitioner/pr1"}]}
            """);
        await Put("Patient", "p2", """
            {"resourceType":"Patient","id":"p2","identifier":[{"system":"BSN","value":"123456782"}],
             "name":[{"family":"Müller","given":["Émilie"]}],"gender":"female","birthDate":"1985"}
            """);
        await Put("Patient", "p3", """
            {"resourceType":"Patient","id":"p3","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:oid:2.16.840.1.113883.2.4.6.3","value":"12345"}],
             "name":[{"family":"Jansen","given":["Jan"]}],"gender":"male"}
            """);
        await Put("Observation", "o1", Observation("o1", "Patient/p1", "laboratory", "2345-7", "Glucose", 6.3m, "mmol/L", "2026-03-15T10:00:00Z"));
        await Put("Observation", "o2", Observation("o2", "Patient/p1", "vital-signs", "8480-6", "Systolic blood pressure", 120m, "mm[Hg]", "2026-02-01"));
        await Put("Observation", "o3", Observation("o3", "Patient/p1", "laboratory", "2345-7", "Glucose", 7.1m, "mmol/L", "2026-04-01T08:00:00Z"));
        await Put("Observation", "o4", Observation("o4", "Patient/p2", "laboratory", "2345-7", "Glucose", 5.0m, "mmol/L", null));
        await Put("Observation", "o5", """
            {"resourceType":"Observation","id":"o5","status":"final","code":{"text":"Remark"},
             "subject":{"identifier":{"system":"BSN","value":"123456782"}}}
            """);
        await Put("Appointment", "a1", Appointment("a1", "2026-05-10T09:00:00Z", "2026-05-10T09:10:00Z", "p1", "pr1"));
        await Put("Appointment", "a2", Appointment("a2", "2026-06-01T09:00:00Z", "2026-06-01T09:20:00Z", "p2", "pr1"));
        await Put("Appointment", "a3", Appointment("a3", "2026-05-12T09:00:00Z", "2026-05-12T09:10:00Z", "p2", "pr2"));
        await Put("Communication", "c1", Communication("c1", "in-progress", "2026-01-02T10:00:00Z"));
        await Put("Communication", "c2", Communication("c2", "completed", "2026-01-01T10:00:00Z"));
        await Put("Communication", "c3", Communication("c3", "in-progress", null));
        await Put("Communication", "c4", Communication("c4", "in-progress", "2025-12-31T10:00:00Z"));
        await Put("RiskAssessment", "r1", """
            {"resourceType":"RiskAssessment","id":"r1","status":"final","subject":{"reference":"Patient/p1"},"prediction":[{"probabilityDecimal":0.25}]}
            """);
        await Put("RiskAssessment", "r2", """
            {"resourceType":"RiskAssessment","id":"r2","status":"final","subject":{"reference":"Patient/p2"},"prediction":[{"probabilityDecimal":0.8}]}
            """);
    }

    private static string Observation(string id, string subject, string category, string code, string display, decimal value, string unit, string? effective) => """
        {"resourceType":"Observation","id":"ID","status":"final",
         "category":[{"coding":[{"system":"CATSYS","code":"CATEGORY"}]}],
         "code":{"coding":[{"system":"LOINC","code":"CODE","display":"DISPLAY"}]},
         "subject":{"reference":"SUBJECT"},"performer":[{"reference":"Practitioner/pr1"}],EFFECTIVE
         "valueQuantity":{"value":VALUE,"unit":"UNIT","system":"UCUM","code":"UNIT"}}
        """.Replace("ID", id).Replace("CATSYS", Category).Replace("CATEGORY", category).Replace("LOINC", Loinc).Replace("CODE", code)
        .Replace("DISPLAY", display).Replace("SUBJECT", subject).Replace("EFFECTIVE", effective is null ? "" : $"\"effectiveDateTime\":\"{effective}\",")
        .Replace("VALUE", value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("UNIT", unit).Replace("UCUM", Ucum);

    private static string Appointment(string id, string start, string end, string patient, string practitioner) => """
        {"resourceType":"Appointment","id":"ID","status":"booked","start":"START","end":"END",
         "participant":[{"actor":{"reference":"Patient/PATIENT"},"status":"accepted"},{"actor":{"reference":"Practitioner/PRACT"},"status":"accepted"}]}
        """.Replace("ID", id).Replace("START", start).Replace("END", end).Replace("PATIENT", patient).Replace("PRACT", practitioner);

    private static string Communication(string id, string status, string? sent) => """
        {"resourceType":"Communication","id":"ID","status":"STATUS",SENT
         "recipient":[{"reference":"Patient/p1"}],"sender":{"reference":"Practitioner/pr1"}}
        """.Replace("ID", id).Replace("STATUS", status).Replace("SENT", sent is null ? "" : $"\"sent\":\"{sent}\",");

    public async Task Put(string type, string id, string json)
    {
        json = json.Replace("\"BSN\"", $"\"{Bsn}\"", StringComparison.Ordinal);
        var response = await Client.PutAsync($"/fhir/{type}/{id}", FhirHttp.Json(json));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"PUT {type}/{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>GET a search and check it is a searchset.</summary>
    public async Task<JsonElement> Search(string url, bool strict = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (strict)
            request.Headers.Add("Prefer", "handling=strict");
        var response = await Client.SendAsync(request);
        var body = await response.ReadJsonAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {body.Diagnostics()}");
        Assert.Equal("searchset", body.GetProperty("type").GetString());
        return body;
    }

    /// <summary>The ids of the entries with search mode <paramref name="mode"/>, in order.</summary>
    public async Task<List<string>> Ids(string url, string mode = "match") => IdsOf(await Search(url), mode);

    public static List<string> IdsOf(JsonElement bundle, string mode = "match") =>
        !bundle.TryGetProperty("entry", out var entries)
            ? []
            : entries.EnumerateArray()
                .Where(e => e.GetProperty("search").GetProperty("mode").GetString() == mode)
                .Select(e => e.GetProperty("resource").GetProperty("id").GetString()!)
                .ToList();

    public async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? prefer = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (prefer is not null)
            request.Headers.Add("Prefer", prefer);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return await Client.SendAsync(request);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}
