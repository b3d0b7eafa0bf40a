namespace Fhir.Server.Tests.Search;

/// <summary>Parameter types, modifiers and prefixes of https://hl7.org/fhir/R4/search.html on a small practice.</summary>
public class SearchParameterTypeTests(SearchFixture f) : IClassFixture<SearchFixture>
{
    private Task<List<string>> Ids(string url) => f.Ids(url);

    private static List<string> Sorted(List<string> ids) => ids.Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("identifier=http://fhir.nl/fhir/NamingSystem/bsn|111222333", "p1")]
    [InlineData("identifier=111222333", "p1")]
    [InlineData("identifier=|111222333", "")]
    [InlineData("identifier=http://fhir.nl/fhir/NamingSystem/bsn|", "p1,p2")]
    [InlineData("identifier=111222333,123456782", "p1,p2")]
    [InlineData("identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345", "p3")]
    [InlineData("gender=male", "p1,p3")]
    [InlineData("gender:not=male", "p2")]
    [InlineData("gender:not=male,female", "")]
    [InlineData("active=true", "p1")]
    [InlineData("_tag=http://example.org/tags|vip", "p1")]
    [InlineData("_id=p1,p3", "p1,p3")]
    public async Task Token(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Patient?" + query)));

    [Theory]
    [InlineData("family=van", "p1")]
    [InlineData("family=VAN%20DEN", "p1")]
    [InlineData("family=muller", "p2")]
    [InlineData("family=Mül", "p2")]
    [InlineData("name=emilie", "p2")]
    [InlineData("family:exact=Müller", "p2")]
    [InlineData("family:exact=muller", "")]
    [InlineData("family:exact=van", "")]
    [InlineData("family:contains=ERG", "p1")]
    [InlineData("family:contains=nse", "p3")]
    [InlineData("name=jan,pieter", "p1,p3")]
    [InlineData("family=jansen&given=jan", "p3")]
    [InlineData("family=jansen&given=pieter", "")]
    public async Task String_IsCaseAndAccentInsensitivePrefix(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Patient?" + query)));

    [Theory]
    [InlineData("birthdate=1970", "p1")]
    [InlineData("birthdate=1970-05", "p1")]
    [InlineData("birthdate=1970-05-12", "p1")]
    [InlineData("birthdate=1970-06", "")]
    [InlineData("birthdate=eq1985", "p2")]
    [InlineData("birthdate=1985-06", "")]
    [InlineData("birthdate=ne1970", "p2")]
    [InlineData("birthdate=gt1980", "p2")]
    [InlineData("birthdate=lt1980", "p1")]
    [InlineData("birthdate=ge1985-06-01", "p2")]
    [InlineData("birthdate=le1970-05-12", "p1")]
    [InlineData("birthdate=lt1970-05-12", "")]
    [InlineData("birthdate=sa1971", "p2")]
    [InlineData("birthdate=eb1971", "p1")]
    [InlineData("birthdate=sa1985-06", "")]
    [InlineData("birthdate=ge1970&birthdate=lt1980", "p1")]
    [InlineData("birthdate:missing=true", "p3")]
    [InlineData("birthdate:missing=false", "p1,p2")]
    public async Task Date_ComparesRanges(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Patient?" + query)));

    [Theory]
    [InlineData("date=2026-03-15", "o1")]
    [InlineData("date=2026-03-15T10:00:00Z", "o1")]
    [InlineData("date=2026-03-15T11:00:00%2B01:00", "o1")]
    [InlineData("date=2026-03-15T10:00", "o1")]
    [InlineData("date=2026-03-15T10:01", "")]
    [InlineData("date=2026-02", "o2")]
    [InlineData("date=ge2026-03-15T10:00:00Z", "o1,o3")]
    [InlineData("date=gt2026-03-15T10:00:00Z", "o3")]
    [InlineData("date=lt2026-03", "o2")]
    [InlineData("date=ap2026-03-20", "o1,o3")]
    public async Task Date_WithTimesAndZones(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Observation?" + query)));

    /// <summary>
    /// Repeated arguments are each met by any value of the resource (https://hl7.org/fhir/R4/search.html#combining): with
    /// several reaction dates, one may be after the start and another before the end. imm-two reacted on 10 January and
    /// 10 March, imm-one on 5 February.
    /// </summary>
    [Theory]
    [InlineData("reaction-date=ge2026-02-01&reaction-date=lt2026-02-15", "imm-one,imm-two")]
    [InlineData("reaction-date=ge2026-03-01&reaction-date=lt2026-03-31", "imm-two")]
    [InlineData("reaction-date=ge2026-04-01&reaction-date=lt2026-04-15", "")]
    [InlineData("reaction-date=ge2026-01-01&reaction-date=lt2026-01-05", "")]
    [InlineData("reaction-date=eq2026-02", "imm-one")]
    public async Task Date_RepeatedBoundsOfAManyValuedParameter_AreEachMetByAnyValue(string query, string expected)
    {
        foreach (var (id, dates) in new[] { ("imm-one", new[] { "2026-02-05" }), ("imm-two", new[] { "2026-01-10", "2026-03-10" }) })
        {
            var reactions = string.Join(",", dates.Select(d => $$"""{"date":"{{d}}"}"""));
            var put = await f.Send(HttpMethod.Put, $"/fhir/Immunization/{id}", content: Infrastructure.FhirHttp.Json($$"""
                {"resourceType":"Immunization","id":"{{id}}","status":"completed","patient":{"reference":"Patient/p1"},
                 "vaccineCode":{"text":"griep"},"occurrenceDateTime":"2026-01-01","reaction":[{{reactions}}]}
                """));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Immunization?" + query)));
    }

    [Theory]
    [InlineData("probability=0.25", "r1")]
    [InlineData("probability=0.3", "r1")]
    [InlineData("probability=0.30", "")]
    [InlineData("probability=gt0.5", "r2")]
    [InlineData("probability=lt0.5", "r1")]
    [InlineData("probability=ge0.8", "r2")]
    [InlineData("probability=le0.25", "r1")]
    [InlineData("probability=ne0.8", "r1")]
    [InlineData("probability=ap0.78", "r2")]
    public async Task Number_UsesPrecisionAndPrefixes(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/RiskAssessment?" + query)));

    [Theory]
    [InlineData("value-quantity=6.3", "o1")]
    [InlineData("value-quantity=6.3|http://unitsofmeasure.org|mmol/L", "o1")]
    [InlineData("value-quantity=6.3|http://unitsofmeasure.org|mg", "")]
    [InlineData("value-quantity=gt6|http://unitsofmeasure.org|mmol/L", "o1,o3")]
    [InlineData("value-quantity=lt6||mmol/L", "o4")]
    [InlineData("value-quantity=ge120||mm[Hg]", "o2")]
    [InlineData("value-quantity=le5", "o4")]
    [InlineData("value-quantity=ne6.3||mmol/L", "o3,o4")]
    [InlineData("value-quantity=ap7.2", "o3")]
    public async Task Quantity_WithUnits(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Observation?" + query)));

    [Theory]
    [InlineData("code-value-quantity=http://loinc.org|2345-7$gt6", "o1,o3")]
    [InlineData("code-value-quantity=2345-7$lt6||mmol/L", "o4")]
    [InlineData("code-value-quantity=2345-7$120", "")]
    [InlineData("combo-code-value-quantity=8480-6$120", "o2")]
    [InlineData("code-value-quantity=8480-6$ge100,2345-7$le5", "o2,o4")]
    public async Task Composite_MatchesBothComponentsOfOneElement(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Observation?" + query.Replace("$", "%24"))));

    [Theory]
    [InlineData("patient=p1", "o1,o2,o3")]
    [InlineData("patient=Patient/p1", "o1,o2,o3")]
    [InlineData("subject=Patient/p2", "o4")]
    [InlineData("subject:Patient=p2", "o4")]
    [InlineData("subject=p2", "o4")]
    [InlineData("subject:Group=p2", "")]
    [InlineData("subject=http://localhost/fhir/Patient/p2", "o4")]
    [InlineData("subject:identifier=http://fhir.nl/fhir/NamingSystem/bsn|123456782", "o5")]
    [InlineData("patient=p1&category=laboratory", "o1,o3")]
    [InlineData("patient=p1,p2&code=http://loinc.org|2345-7", "o1,o3,o4")]
    [InlineData("code:text=gluc", "o1,o3,o4")]
    [InlineData("code:text=remark", "o5")]
    [InlineData("subject:missing=true", "o5")]
    [InlineData("performer=Practitioner/pr1&date:missing=true", "o4")]
    public async Task Reference_ByIdTypeUrlAndIdentifier(string query, string expected) =>
        Assert.Equal(Split(expected), Sorted(await Ids("/fhir/Observation?" + query)));

    [Fact]
    public async Task Appointment_ActorAndDateRange()
    {
        Assert.Equal(["a1"], await Ids("/fhir/Appointment?actor=Practitioner/pr1&date=ge2026-05-01&date=lt2026-06-01"));
        Assert.Equal(["a1", "a2"], Sorted(await Ids("/fhir/Appointment?actor=Practitioner/pr1&date=ge2026-05-01")));
    }

    [Fact]
    public async Task LastUpdated_AndProfileLessResources()
    {
        Assert.Equal(3, (await Ids("/fhir/Patient?_lastUpdated=gt2000-01-01")).Count);
        Assert.Empty(await Ids("/fhir/Patient?_lastUpdated=lt2000-01-01"));
    }

    [Fact]
    public async Task PostSearch_WithFormBody_MatchesGet()
    {
        var response = await f.Send(HttpMethod.Post, "/fhir/Patient/_search?gender=male",
            content: new FormUrlEncodedContent([new("family", "jansen")]));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["p3"], SearchFixture.IdsOf(await Infrastructure.FhirHttp.ReadJsonAsync(response)));
    }

    [Fact]
    public async Task SystemSearch_WithTypesAndCommonParameters()
    {
        Assert.Equal(["pr1"], await Ids("/fhir?_type=Patient,Practitioner&name=anna"));
        Assert.Equal(["p1"], await Ids("/fhir?_id=p1"));
    }

    private static List<string> Split(string ids) => ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
}
