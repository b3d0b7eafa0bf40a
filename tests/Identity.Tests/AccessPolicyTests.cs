using System.Net;
using System.Text;
using System.Text.Json;
using Identity.Access;
using Identity.Audit;

namespace Identity.Tests;

/// <summary>Who may see whom on /fhir: scopes, own record, WGBO proxy access, staff and practice manager, the access log.</summary>
public class AccessPolicyTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private const string Emma = "emma.dejong@example.nl";
    private const string EmmaPhone = "06-10000001";

    private async Task<HttpStatusCode> Get(string url, string? token)
    {
        using var client = factory.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return (await client.SendAsync(request)).StatusCode;
    }

    private async Task<string> PatientToken(string email, string phone, string patient, string scope = "launch/patient patient/*.rs")
    {
        OAuthFlow.RegisterApp(factory);
        return (await OAuthFlow.TokenForAsync(factory, email, phone, scope, patient)).GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task NoToken_Is401OperationOutcomeWithChallenge_MetadataStaysPublicWithSmartExtension()
    {
        using var client = factory.Anonymous();
        var response = await client.GetAsync("/fhir/Patient/patient-willem-bos");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("OperationOutcome", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("resourceType").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/fhir/Patient/patient-willem-bos", "not-a-token"));

        var metadata = await client.GetStringAsync("/fhir/metadata");
        Assert.Contains("SMART-on-FHIR", metadata);
        Assert.Contains("http://localhost/auth/token", metadata);
    }

    [Fact]
    public async Task InsufficientScope_Is403()
    {
        var token = await factory.SystemTokenAsync("system/Observation.rs");
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-willem-bos", token));
        using var client = factory.Anonymous();
        var write = await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Post, "/fhir/Observation", token,
            new StringContent("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", Encoding.UTF8, "application/fhir+json")));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task PatientA_CannotReadPatientB_ById()
    {
        var token = await PatientToken("pieter.vandenberg@example.nl", "06-10000003", "patient-pieter-van-den-berg");
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Patient/patient-pieter-van-den-berg", token));
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Observation/lab-pieter-hba1c-2", token));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-fatima-el-amrani", token));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/AllergyIntolerance/allergie-fatima-penicilline", token));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-fatima-el-amrani/_history", token));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/_history", token));
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Practitioner/huisarts-jansen", token));
    }

    [Theory]
    [InlineData("/fhir/Observation")]
    [InlineData("/fhir/Observation?subject=Patient/patient-fatima-el-amrani")]
    [InlineData("/fhir/Patient?_id=patient-fatima-el-amrani")]
    [InlineData("/fhir/Observation?_include=Observation:subject")]
    [InlineData("/fhir/Patient?_revinclude=AllergyIntolerance:patient")]
    [InlineData("/fhir/AllergyIntolerance?patient.name=Fatima")]
    [InlineData("/fhir/Patient?_has:AllergyIntolerance:patient:code=764146007")]
    [InlineData("/fhir/Patient/patient-fatima-el-amrani/AllergyIntolerance")]
    [InlineData("/fhir?_type=Patient")]
    public async Task PatientA_CannotReachPatientB_BySearch_Include_Chain_Has_OrCompartment(string url)
    {
        var token = await PatientToken("pieter.vandenberg@example.nl", "06-10000003", "patient-pieter-van-den-berg");
        // Search applies the caller's compartment restriction to every match, include, chain and _has target:
        // Pieter gets a searchset with none of Fatima's data (or a 403 where the search cannot be limited).
        using (var client = factory.Anonymous())
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new("Bearer", token);
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden, response.StatusCode.ToString());
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var entries = bundle.RootElement.TryGetProperty("entry", out var e) ? e.EnumerateArray().Select(x => x.ToString()).ToList() : [];
                Assert.DoesNotContain(entries, x => x.Contains("fatima", StringComparison.OrdinalIgnoreCase));
            }
        }
        var system = await factory.SystemTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await Get(url, system));
    }

    [Fact]
    public async Task PatientSearch_FindsOwnRecordOnly()
    {
        var token = await PatientToken("pieter.vandenberg@example.nl", "06-10000003", "patient-pieter-van-den-berg");
        using var client = factory.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient?_revinclude=AllergyIntolerance:patient&_revinclude=Observation:subject");
        request.Headers.Authorization = new("Bearer", token);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var entries = bundle.RootElement.GetProperty("entry").EnumerateArray().ToList();
        Assert.Contains(entries, x => x.GetProperty("fullUrl").GetString()!.EndsWith("Patient/patient-pieter-van-den-berg", StringComparison.Ordinal));
        Assert.All(entries, x => Assert.DoesNotContain("fatima", x.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Parent_ReadsChildUnder12_ButNotA14YearOldWithoutConsent_UntilTheChildConsents()
    {
        OAuthFlow.RegisterApp(factory);
        using var client = factory.Anonymous();
        var consent = await OAuthFlow.LoginAsync(factory, client, OAuthFlow.AuthorizeUrl("launch/patient patient/*.rs", OAuthFlow.Pkce.New()), Emma, EmmaPhone);
        Assert.Contains("patient-sophie-de-jong", consent);
        Assert.Contains("Uw kind is 12 jaar of ouder. U heeft alleen toegang als uw kind daar zelf toestemming voor geeft.", consent);
        var refused = await OAuthFlow.ConsentAsync(client, consent, "patient-daan-de-jong");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var sophie = await PatientToken(Emma, EmmaPhone, "patient-sophie-de-jong");
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Patient/patient-sophie-de-jong", sophie));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-emma-de-jong", sophie));

        var user = await PatientToken(Emma, EmmaPhone, "patient-emma-de-jong", "launch/patient patient/*.rs user/*.rs");
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Patient/patient-sophie-de-jong", user));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-daan-de-jong", user));

        var proxies = factory.Get<ProxyAccess>();
        proxies.RecordChildConsent("patient-emma-de-jong", "patient-daan-de-jong");
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Patient/patient-daan-de-jong", user));
        proxies.WithdrawConsent("patient-emma-de-jong", "patient-daan-de-jong");
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-daan-de-jong", user));
    }

    [Fact]
    public void Wgbo_AccessEndsOnThe16thBirthday_AndOnlyWrittenConsentAt16OrLaterRestoresIt()
    {
        var birth = new DateOnly(2010, 6, 15);
        var consentAt14 = new DateTimeOffset(2024, 7, 1, 10, 0, 0, TimeSpan.Zero);
        var relation = new ProxyRelation("ouder", "kind", consentAt14, consentAt14, null, null);
        Assert.Equal(ProxyDecision.Allowed, ProxyAccess.Decide(relation with { ChildConsent = null }, birth, new DateTimeOffset(2022, 6, 14, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(ProxyDecision.ChildConsentNeeded, ProxyAccess.Decide(relation with { ChildConsent = null }, birth, new DateTimeOffset(2022, 6, 15, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(ProxyDecision.Allowed, ProxyAccess.Decide(relation, birth, new DateTimeOffset(2026, 6, 14, 12, 0, 0, TimeSpan.Zero)));
        // 23:30 UTC on the 14th is already the 15th in Amsterdam: the 16th birthday.
        Assert.Equal(ProxyDecision.WrittenConsentNeeded, ProxyAccess.Decide(relation, birth, new DateTimeOffset(2026, 6, 14, 23, 30, 0, TimeSpan.Zero)));
        var writtenBefore16 = relation with { WrittenConsent = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        Assert.Equal(ProxyDecision.WrittenConsentNeeded, ProxyAccess.Decide(writtenBefore16, birth, new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)));
        var writtenAt16 = relation with { WrittenConsent = new DateTimeOffset(2026, 6, 20, 0, 0, 0, TimeSpan.Zero) };
        Assert.Equal(ProxyDecision.Allowed, ProxyAccess.Decide(writtenAt16, birth, new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(ProxyDecision.ConsentWithdrawn, ProxyAccess.Decide(writtenAt16 with { Withdrawn = new DateTimeOffset(2026, 6, 25, 0, 0, 0, TimeSpan.Zero) },
            birth, new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Parent_AfterTheChilds16thBirthday_HasNoAccess()
    {
        var token = await PatientToken(Emma, EmmaPhone, "patient-emma-de-jong", "launch/patient patient/*.rs user/*.rs");
        var proxies = factory.Get<ProxyAccess>();
        // Willem (born 1978) stands in for a child who turned 16 long ago; consent given while under 16 no longer counts.
        proxies.RegisterGezag("patient-emma-de-jong", "patient-willem-bos");
        proxies.RecordChildConsent("patient-emma-de-jong", "patient-willem-bos", new DateTimeOffset(1993, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(ProxyDecision.WrittenConsentNeeded, await proxies.DecideAsync("patient-emma-de-jong", "patient-willem-bos"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-willem-bos", token));
    }

    [Fact]
    public async Task Patient_WithWriteScopes_CannotChangeTheRecordThroughFhirRest_AndNothingChanges()
    {
        // A patient app may be granted user/*.cruds, but the record is the practice's: a patient's writes go through the
        // portal's services (booking, e-consult, repeat prescription rules), never straight through FHIR REST.
        var granted = await OAuthFlow.TokenThroughAppAsync(factory, "patient-app", "openid fhirUser user/*.cruds", "openid fhirUser user/*.cruds",
            "pieter.vandenberg@example.nl", "06-10000003");
        Assert.Contains("user/*.cruds", granted.GetProperty("scope").GetString());
        using var client = factory.Anonymous();
        var token = granted.GetProperty("access_token").GetString()!;
        var system = await factory.SystemTokenAsync();

        async Task<string> Snapshot()
        {
            var parts = new List<string>();
            foreach (var url in new[] { "/fhir/Observation/lab-pieter-hba1c-2", "/fhir/Condition/cond-pieter-dm2", "/fhir/MedicationRequest?subject=Patient/patient-pieter-van-den-berg&_summary=count" })
            {
                var response = await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, url, system));
                var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                parts.Add(root.GetProperty("resourceType").GetString() == "Bundle" ? root.GetProperty("total").GetInt32().ToString() : root.GetProperty("meta").GetProperty("versionId").GetString()!);
            }
            return string.Join(",", parts);
        }
        var before = await Snapshot();
        var order = """{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/patient-pieter-van-den-berg"},"medicationCodeableConcept":{"text":"Oxazepam 10 mg"}}""";
        var observation = await (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Observation/lab-pieter-hba1c-2", token))).Content.ReadAsStringAsync();
        var attempts = new[]
        {
            IdentityFactory.WithToken(HttpMethod.Post, "/fhir/MedicationRequest", token, new StringContent(order, Encoding.UTF8, "application/fhir+json")),
            IdentityFactory.WithToken(HttpMethod.Put, "/fhir/Observation/lab-pieter-hba1c-2", token,
                new StringContent(observation.Replace("\"value\":49", "\"value\":40"), Encoding.UTF8, "application/fhir+json")),
            IdentityFactory.WithToken(HttpMethod.Patch, "/fhir/Condition/cond-pieter-dm2", token,
                new StringContent("""[{"op":"replace","path":"/clinicalStatus/coding/0/code","value":"resolved"}]""", Encoding.UTF8, "application/json-patch+json")),
            IdentityFactory.WithToken(HttpMethod.Delete, "/fhir/Condition/cond-pieter-dm2", token),
        };
        foreach (var attempt in attempts)
        {
            var response = await client.SendAsync(attempt);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var outcome = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
            Assert.Contains("portal", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        }
        Assert.Equal(before, await Snapshot());
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Condition/cond-pieter-dm2", token));
    }

    [Fact]
    public async Task PracticeManager_ReadsPractitioners_ButNoMedicalContent()
    {
        var token = (await OAuthFlow.TokenThroughAppAsync(factory, "staff-app", "openid fhirUser user/*.cruds", "openid fhirUser user/*.rs",
            "manager@praktijkdelinde.nl", "06-10000020")).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Practitioner/huisarts-jansen", token));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Patient/patient-willem-bos", token));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("/fhir/Observation/lab-pieter-hba1c-2", token));
    }

    [Fact]
    public async Task EveryRead_IsLoggedAsAuditEvent_ThatNobodyCanChange_AndThePatientCanList()
    {
        var system = await factory.SystemTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Condition/cond-pieter-dm2", system));
        var own = await PatientToken("pieter.vandenberg@example.nl", "06-10000003", "patient-pieter-van-den-berg");
        await factory.Get<AccessLog>().FlushAsync();

        using var client = factory.Anonymous();
        var list = JsonDocument.Parse(await (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/auth/access-log", own))).Content.ReadAsStringAsync()).RootElement;
        var entry = list.EnumerateArray().First(e => e.GetProperty("wie").GetString() == "his");
        Assert.Equal("ingezien", entry.GetProperty("actie").GetString());
        var auditRef = entry.GetProperty("auditEvent").GetString()!;

        var audit = await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/" + auditRef, system));
        var json = JsonDocument.Parse(await audit.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("R", json.GetProperty("action").GetString());
        Assert.Contains(json.GetProperty("entity").EnumerateArray(), e => e.GetProperty("what").GetProperty("reference").GetString() == "Patient/patient-pieter-van-den-berg");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Delete, "/fhir/" + auditRef, system))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Put, "/fhir/" + auditRef, system,
            new StringContent(json.ToString(), Encoding.UTF8, "application/fhir+json")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Post, "/fhir/AuditEvent", system,
            new StringContent(json.ToString(), Encoding.UTF8, "application/fhir+json")))).StatusCode);
    }

    [Fact]
    public async Task LogoutEverywhere_InvalidatesTokensAlreadyIssued()
    {
        var token = await PatientToken("willem.bos@example.nl", "06-10000005", "patient-willem-bos");
        Assert.Equal(HttpStatusCode.OK, await Get("/fhir/Patient/patient-willem-bos", token));
        await Task.Delay(1100);
        using var client = factory.Anonymous();
        var logout = await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Post, "/auth/logout-everywhere", token));
        Assert.Contains("U bent op alle apparaten uitgelogd.", await logout.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/fhir/Patient/patient-willem-bos", token));
    }
}
