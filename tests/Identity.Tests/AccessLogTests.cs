using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Extraction;
using Identity.Audit;

namespace Identity.Tests;

/// <summary>NEN 7513: searches, bundle entries and conditional writes are logged per patient; AuditEvents stay as written.</summary>
public class AccessLogTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private const string Pieter = "patient-pieter-van-den-berg";
    private const string Willem = "patient-willem-bos";
    private const string Fatima = "patient-fatima-el-amrani";
    private const string Daan = "patient-daan-de-jong";

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string url, string token, string? body = null, string type = "application/fhir+json")
    {
        using var client = factory.Anonymous();
        var response = await client.SendAsync(IdentityFactory.WithToken(method, url, token, body is null ? null : new StringContent(body, Encoding.UTF8, type)));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The access log's AuditEvents for a patient and interaction, found through the FHIR search on the lean index.</summary>
    private async Task<List<JsonElement>> AuditEvents(string system, string patient, string subtype)
    {
        await factory.Get<AccessLog>().FlushAsync();
        var (status, bundle) = await Send(HttpMethod.Get, $"/fhir/AuditEvent?patient={patient}&subtype={subtype}&_count=500", system);
        Assert.Equal(HttpStatusCode.OK, status);
        return bundle.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Select(e => e.GetProperty("resource")).ToList() : [];
    }

    private static IEnumerable<string> Entities(IEnumerable<JsonElement> events) =>
        events.SelectMany(e => e.GetProperty("entity").EnumerateArray()).Where(e => e.TryGetProperty("what", out _))
            .Select(e => e.GetProperty("what").GetProperty("reference").GetString()!);

    private static IEnumerable<string> Queries(IEnumerable<JsonElement> events) =>
        events.SelectMany(e => e.GetProperty("entity").EnumerateArray()).Where(e => e.TryGetProperty("query", out _))
            .Select(e => Encoding.UTF8.GetString(e.GetProperty("query").GetBytesFromBase64()));

    [Fact]
    public async Task Search_IsLoggedOncePerRequester_AsTheSearchAndThePatientsItReached()
    {
        var system = await factory.SystemTokenAsync();
        // A page size no other test asks for, so that this search is this test's own.
        var (status, bundle) = await Send(HttpMethod.Get, $"/fhir/Observation?patient={Pieter}&_count=97", system);
        Assert.Equal(HttpStatusCode.OK, status);
        var returned = bundle.GetProperty("entry").EnumerateArray().Select(e => "Observation/" + e.GetProperty("resource").GetProperty("id").GetString()).ToList();
        Assert.NotEmpty(returned);
        var self = bundle.GetProperty("link").EnumerateArray().Single(l => l.GetProperty("relation").GetString() == "self").GetProperty("url").GetString()!;

        var events = await AuditEvents(system, Pieter, "search-type");
        var ours = events.Where(e => e.GetProperty("agent")[0].GetProperty("altId").GetString() == "his"
            && Queries([e]).Contains(self)).ToList();
        var audit = Assert.Single(ours);
        Assert.Equal("E", audit.GetProperty("action").GetString());
        Assert.Contains($"Patient/{Pieter}", Entities(ours));
        // IHE BALP's Query pattern: the search (role 24, Query) and the patient, not each Observation it returned.
        // (Other searches by the same client in the same drain may share the event: each is an entity of its own.)
        var queries = audit.GetProperty("entity").EnumerateArray().Where(e => e.TryGetProperty("query", out _)).ToList();
        Assert.All(queries, q => Assert.Equal("24", q.GetProperty("role").GetProperty("code").GetString()));
        Assert.Single(queries, q => Encoding.UTF8.GetString(q.GetProperty("query").GetBytesFromBase64()) == self);
        Assert.DoesNotContain(Entities(ours), r => r.StartsWith("Observation/", StringComparison.Ordinal));
    }

    [Fact]
    public void Aggregate_SplitsABigSearchOverEvents_EachNamingTheSearch_AndKeepsReadResources()
    {
        var log = factory.Get<AccessLog>();
        var at = DateTimeOffset.Parse("2026-11-22T09:00:00Z");
        const string query = "https://example.org/fhir/Appointment?actor=Practitioner/gp-1&date=ge2026-11-22";
        var hits = Enumerable.Range(0, 250).Select(i => new FhirAccessRecord(
            FhirInteraction.Search, "Appointment", $"a{i}", [$"p{i}"], Query: query)).ToList();
        AccessLogEntry Entry(string interaction, IReadOnlyList<FhirAccessRecord> resources) =>
            new(at, interaction == "read" ? "R" : "E", interaction, [], resources, "his", null, "systeem", null, null, "his");

        var events = log.Aggregate([
            Entry("search-type", hits),
            Entry("read", [new(FhirInteraction.Read, "Observation", "o1", ["p1"])]),
        ]);

        var searches = events.Where(e => e.Interaction == "search-type").ToList();
        Assert.Equal(2, searches.Count);
        Assert.All(searches, e => Assert.True(e.EntityCount <= AccessLog.MaxEntities));
        Assert.All(searches, e => Assert.Equal([query], e.QueriesInOrder));
        Assert.All(searches, e => Assert.Empty(e.Resources));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"p{i}"), searches.SelectMany(e => e.PatientsInOrder));
        var read = Assert.Single(events, e => e.Interaction == "read");
        Assert.Equal(["Observation/o1"], read.ResourcesInOrder);
        Assert.Empty(read.Queries);
    }

    [Fact]
    public async Task Search_ThePatientSeesInTheirOwnAccessLog()
    {
        var system = await factory.SystemTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/fhir/Condition?patient={Willem}", system)).Status);
        OAuthFlow.RegisterApp(factory);
        var own = (await OAuthFlow.TokenForAsync(factory, "willem.bos@example.nl", "06-10000005", "launch/patient patient/*.rs", Willem))
            .GetProperty("access_token").GetString()!;
        var (status, list) = await Send(HttpMethod.Get, "/auth/access-log", own);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(list.EnumerateArray(), e => e.GetProperty("wie").GetString() == "his" && e.GetProperty("actie").GetString() == "gezocht");
    }

    [Fact]
    public async Task OwnAccessLog_ComesFromTheAuditEventsNamingThePatient_AndListsNoOtherPatientsAccesses()
    {
        var system = await factory.SystemTokenAsync();
        // A burst of reads of two patients, spread over several drains of the access log's writer.
        var reads = Enumerable.Range(0, 60).Select(i => Send(HttpMethod.Get, $"/fhir/Patient/{(i % 3 == 0 ? Fatima : Willem)}", system));
        Assert.All(await Task.WhenAll(reads), r => Assert.Equal(HttpStatusCode.OK, r.Status));
        // And a read of Willem alone, in an AuditEvent of its own.
        await factory.Get<AccessLog>().FlushAsync();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/fhir/Patient/{Willem}", system)).Status);
        OAuthFlow.RegisterApp(factory);
        var own = (await OAuthFlow.TokenForAsync(factory, "fatima.elamrani@example.nl", "06-10000004", "launch/patient patient/*.rs", Fatima))
            .GetProperty("access_token").GetString()!;

        var (status, list) = await Send(HttpMethod.Get, "/auth/access-log", own);
        Assert.Equal(HttpStatusCode.OK, status);
        var entries = list.EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("wie").GetString() == "his" && e.GetProperty("actie").GetString() == "ingezien");
        var times = entries.Select(e => e.GetProperty("tijdstip").GetString()!).ToList();
        Assert.Equal(times.OrderByDescending(t => t, StringComparer.Ordinal), times);
        foreach (var entry in entries)
        {
            var (found, audit) = await Send(HttpMethod.Get, "/fhir/" + entry.GetProperty("auditEvent").GetString(), system);
            Assert.Equal(HttpStatusCode.OK, found);
            Assert.Contains($"Patient/{Fatima}", Entities([audit]));
            Assert.Equal(entry.GetProperty("wie").GetString(), audit.GetProperty("agent")[0].GetProperty("altId").GetString());
        }
        // Every AuditEvent of the access log that names her is in her list (up to its length), and nothing else is.
        var hers = (await AuditEvents(system, Fatima, "read")).Select(e => "AuditEvent/" + e.GetProperty("id").GetString()).ToHashSet();
        Assert.Subset(hers, entries.Where(e => e.GetProperty("actie").GetString() == "ingezien").Select(e => e.GetProperty("auditEvent").GetString()!).ToHashSet());
        var willems = (await AuditEvents(system, Willem, "read")).Where(e => !Entities([e]).Contains($"Patient/{Fatima}"))
            .Select(e => "AuditEvent/" + e.GetProperty("id").GetString()).ToList();
        Assert.NotEmpty(willems);
        Assert.DoesNotContain(entries, e => willems.Contains(e.GetProperty("auditEvent").GetString()!));
    }

    [Fact]
    public async Task TransactionEntries_AreLoggedWithTheirPatients()
    {
        var system = await factory.SystemTokenAsync();
        var (status, response) = await Send(HttpMethod.Post, "/fhir", system, $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:9a3c1f3e-1d7e-4f0e-9f43-0d1c2b3a4f51","resource":{"resourceType":"Observation","status":"final","code":{"text":"piekstroom"},"subject":{"reference":"Patient/{{{Willem}}}"}},
               "request":{"method":"POST","url":"Observation"}},
              {"resource":{"resourceType":"Observation","id":"gewicht-fatima-tx","status":"final","code":{"text":"gewicht"},"subject":{"reference":"Patient/{{{Fatima}}}"}},
               "request":{"method":"PUT","url":"Observation/gewicht-fatima-tx"}},
              {"request":{"method":"GET","url":"Patient/{{{Daan}}}"}}]}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var location = response.GetProperty("entry")[0].GetProperty("response").GetProperty("location").GetString()!;
        var created = location[location.IndexOf("Observation/", StringComparison.Ordinal)..location.IndexOf("/_history", StringComparison.Ordinal)];

        Assert.Contains(created, Entities(await AuditEvents(system, Willem, "create")));
        Assert.Contains("Observation/gewicht-fatima-tx", Entities(await AuditEvents(system, Fatima, "update")));
        Assert.Contains($"Patient/{Daan}", Entities(await AuditEvents(system, Daan, "read")));
    }

    [Fact]
    public async Task ConditionalDelete_IsLoggedWithThePatientOfWhatItDeleted()
    {
        var system = await factory.SystemTokenAsync();
        var (created, body) = await Send(HttpMethod.Post, "/fhir/Observation", system,
            $$$"""{"resourceType":"Observation","status":"final","identifier":[{"system":"urn:test:meting","value":"cd-1"}],"code":{"text":"saturatie"},"subject":{"reference":"Patient/{{{Willem}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, "/fhir/Observation?identifier=urn:test:meting|cd-1", system)).Status);

        var deletes = await AuditEvents(system, Willem, "delete");
        Assert.Contains($"Observation/{id}", Entities(deletes));
        Assert.All(deletes, e => Assert.Equal("D", e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task AuditEvents_CannotBeChangedOrDeleted_ThroughAnyInteraction()
    {
        var system = await factory.SystemTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/fhir/Patient/{Fatima}", system)).Status);
        var audit = (await AuditEvents(system, Fatima, "read")).First();
        var id = audit.GetProperty("id").GetString()!;
        var url = $"AuditEvent/{id}";

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Patch, "/fhir/" + url, system,
            """[{"op":"replace","path":"/action","value":"C"}]""", "application/json-patch+json")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Delete, $"/fhir/AuditEvent?patient={Fatima}", system)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Put, $"/fhir/AuditEvent?patient={Fatima}", system, audit.ToString())).Status);
        foreach (var entry in new[]
                 {
                     $$$"""{"request":{"method":"DELETE","url":"{{{url}}}"}}""",
                     $$$"""{"resource":{{{audit}}},"request":{"method":"PUT","url":"{{{url}}}"}}""",
                     $$$"""{"resource":{{{audit}}},"request":{"method":"POST","url":"AuditEvent"}}""",
                 })
        {
            var (transaction, _) = await Send(HttpMethod.Post, "/fhir", system, $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{{{entry}}}]}""");
            Assert.Equal(HttpStatusCode.Forbidden, transaction);
            var (batch, response) = await Send(HttpMethod.Post, "/fhir", system, $$$"""{"resourceType":"Bundle","type":"batch","entry":[{{{entry}}}]}""");
            Assert.Equal(HttpStatusCode.OK, batch);
            Assert.StartsWith("403", response.GetProperty("entry")[0].GetProperty("response").GetProperty("status").GetString());
        }

        var (status, after) = await Send(HttpMethod.Get, "/fhir/" + url, system);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", after.GetProperty("meta").GetProperty("versionId").GetString());
        Assert.Equal(audit.GetProperty("action").GetString(), after.GetProperty("action").GetString());
    }

    [Fact]
    public void GeneratedAuditEvent_IsValidR4_AndIndexedAsTheFullIndexerWould()
    {
        var access = new AuditEventDocument.Access(
            new AuditEventDocument.Requester("E", "search-type", "Emma de Jong", "Patient/patient-emma-de-jong", "patiënt", "praktijk-de-linde",
                "Patient/patient-sophie-de-jong", "mijn-app"),
            DateTimeOffset.Parse("2026-11-22T09:15:00.123Z"));
        access.Add(DateTimeOffset.Parse("2026-11-22T09:15:01.456Z"), "patient-sophie-de-jong", "Observation/lengte-sophie");
        access.Add(DateTimeOffset.Parse("2026-11-22T09:15:02.789Z"), "patient-sophie-de-jong", "Patient/patient-sophie-de-jong");
        access.AddQuery("https://example.org/fhir/Observation?patient=patient-sophie-de-jong&category=laboratory");
        var json = AuditEventDocument.Write(access, "0193a7c2-0000-7000-8000-000000000001", DateTimeOffset.Parse("2026-11-22T09:15:03Z"));
        using var document = JsonDocument.Parse(json);

        // Throws a 4xx FhirException with the issues if what the access log writes is not a valid AuditEvent.
        factory.Get<ResourceService>().Validate(document.RootElement, "AuditEvent");

        var indexed = AuditEventDocument.IndexedParameters.Select(c => ParamKey.For("AuditEvent", c))
            .Concat(AuditEventDocument.IndexedParameters.Select(c => ParamKey.For("AuditEvent", c + ParamKey.IdentifierSuffix))).ToHashSet();
        var full = new SearchIndexer(factory.Get<SearchValueExtractor>(), factory.Get<SearchParameterRegistry>()).Extract("AuditEvent", document.RootElement);
        var lean = AuditEventDocument.IndexRows(access);
        Assert.Equal(Sorted(full.Tokens.Where(t => indexed.Contains(t.Pid))), Sorted(lean.Tokens));
        Assert.Equal(Sorted(full.References.Where(t => indexed.Contains(t.Pid))), Sorted(lean.References));
        Assert.Equal(Sorted(full.Dates.Where(t => indexed.Contains(t.Pid))), Sorted(lean.Dates));
        Assert.DoesNotContain(full.Strings, t => indexed.Contains(t.Pid));
        Assert.Empty(lean.Strings);
    }

    private static List<string> Sorted<T>(IEnumerable<T> rows) => rows.Select(r => r!.ToString()!).Distinct().Order(StringComparer.Ordinal).ToList();
}
