using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.FhirPath;
using Fhir.Server.Search.Extraction;
using Fhir.Server.Tests.FhirPath;

namespace Fhir.Server.Tests.Search;

/// <summary>Index values per https://hl7.org/fhir/R4/search.html, for the R4 SearchParameters.</summary>
public sealed class SearchValueExtractorTests
{
    private static readonly SearchValueExtractor Extractor = SearchValueExtractor.Default;

    private static List<SearchIndexEntry> Extract(string json, string code)
    {
        using var doc = JsonDocument.Parse(json);
        var type = doc.RootElement.GetProperty("resourceType").GetString()!;
        var parameter = FhirDefinitions.Default.SearchParametersFor(type).Single(p => p.Code == code);
        return Extractor.Extract(doc.RootElement.Clone(), parameter).ToList();
    }

    [Theory]
    [InlineData("Jörg", "jorg")]
    [InlineData("ÅNGSTRÖM", "angstrom")]
    [InlineData("Çelik-Şahin", "celik-sahin")]
    [InlineData("van der Berg", "van der berg")]
    [InlineData("Zoë", "zoe")]
    public void Normalize_RemovesCaseAndAccents(string input, string expected) => Assert.Equal(expected, SearchText.Normalize(input));

    private const string Patient = """
        {
          "resourceType": "Patient", "id": "p1", "active": true, "gender": "female", "birthDate": "2026-03",
          "identifier": [
            { "system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "999911120",
              "type": { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "NI" } ], "text": "BSN" } }
          ],
          "name": [ { "family": "Müller", "given": ["Jörg", "Anna"], "prefix": ["Dr."], "suffix": ["PhD"], "text": "Dr. Jörg Anna Müller" } ],
          "address": [ { "line": ["Keizersgracht 1"], "city": "Amsterdam", "postalCode": "1015 CJ", "country": "NL" } ],
          "telecom": [ { "system": "phone", "value": "+31 20 1234567" }, { "system": "email", "value": "jorg@example.nl" } ],
          "generalPractitioner": [
            { "reference": "Practitioner/gp1" },
            { "reference": "https://fhir.example.nl/fhir/Organization/o2/_history/3" },
            { "identifier": { "system": "http://fhir.nl/fhir/NamingSystem/agb-z", "value": "01234567" }, "display": "Huisarts" }
          ]
        }
        """;

    [Fact]
    public void Name_YieldsFamilyGivenPrefixSuffixText_Normalized()
    {
        var values = Extract(Patient, "name").Cast<StringIndexEntry>().ToList();
        Assert.Equal(["Müller", "Jörg", "Anna", "Dr.", "PhD", "Dr. Jörg Anna Müller"], values.Select(v => v.Value));
        Assert.Contains(values, v => v.Normalized == "jorg");
        Assert.Contains(values, v => v.Normalized == "muller");
    }

    [Fact]
    public void Address_YieldsItsParts()
    {
        var values = Extract(Patient, "address").Cast<StringIndexEntry>().Select(v => v.Value).ToList();
        Assert.Equal(["Keizersgracht 1", "Amsterdam", "1015 CJ", "NL"], values);
        Assert.Equal("1015 cj", Extract(Patient, "address-postalcode").Cast<StringIndexEntry>().Single().Normalized);
    }

    [Fact]
    public void BirthDate_MonthPrecision_CoversTheWholeMonthInUtc()
    {
        var date = Assert.IsType<DateIndexEntry>(Extract(Patient, "birthdate").Single());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), date.Low);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1), date.High);
    }

    [Theory]
    [InlineData("2026", "2026-01-01T00:00:00.0000000+00:00", "2026-12-31T23:59:59.9999999+00:00")]
    [InlineData("2026-02-28", "2026-02-28T00:00:00.0000000+00:00", "2026-02-28T23:59:59.9999999+00:00")]
    [InlineData("2026-03-01T10:00:00+01:00", "2026-03-01T09:00:00.0000000+00:00", "2026-03-01T09:00:00.9999999+00:00")]
    [InlineData("2026-03-01T10:00+01:00", "2026-03-01T09:00:00.0000000+00:00", "2026-03-01T09:00:59.9999999+00:00")]
    [InlineData("2026-03-01T10:00:00.120Z", "2026-03-01T10:00:00.1200000+00:00", "2026-03-01T10:00:00.1209999+00:00")]
    public void DateBounds_FollowPrecision(string value, string low, string high)
    {
        Assert.Equal(low, SearchValueExtractor.Bound(value, upper: false)!.Value.ToString("o"));
        Assert.Equal(high, SearchValueExtractor.Bound(value, upper: true)!.Value.ToString("o"));
    }

    [Fact]
    public void Period_OpenEnd_IsMaxValue()
    {
        var json = """{ "resourceType": "Encounter", "status": "in-progress", "class": { "code": "AMB" }, "period": { "start": "2026-03-01T10:00:00Z" } }""";
        var date = Assert.IsType<DateIndexEntry>(Extract(json, "date").Single());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), date.Low);
        Assert.Equal(DateTimeOffset.MaxValue, date.High);
    }

    [Fact]
    public void Identifier_IsSystemAndValue_WithTypeForOfType()
    {
        var token = Assert.IsType<TokenIndexEntry>(Extract(Patient, "identifier").Single());
        Assert.Equal(("http://fhir.nl/fhir/NamingSystem/bsn", "999911120"), (token.System, token.Code));
        Assert.Equal(("http://terminology.hl7.org/CodeSystem/v2-0203", "NI"), (token.TypeSystem, token.TypeCode));
        Assert.Equal("BSN", token.Text);
    }

    [Fact]
    public void Code_TakesTheSystemOfItsRequiredBinding()
    {
        var token = Assert.IsType<TokenIndexEntry>(Extract(Patient, "gender").Single());
        Assert.Equal(("http://hl7.org/fhir/administrative-gender", "female"), (token.System, token.Code));
    }

    [Fact]
    public void Boolean_IsTokenTrueOrFalse()
    {
        var token = Assert.IsType<TokenIndexEntry>(Extract(Patient, "active").Single());
        Assert.Equal("true", token.Code);
        Assert.Null(token.System);
    }

    [Fact]
    public void ContactPoint_IsTokenOnValue()
    {
        Assert.Equal(["jorg@example.nl"], Extract(Patient, "email").Cast<TokenIndexEntry>().Select(t => t.Code));
        Assert.Equal(["+31 20 1234567", "jorg@example.nl"], Extract(Patient, "telecom").Cast<TokenIndexEntry>().Select(t => t.Code));
    }

    [Fact]
    public void CodeableConcept_YieldsEachCoding_WithTextForTextModifier()
    {
        var json = """
            { "resourceType": "Condition", "subject": { "reference": "Patient/p1" },
              "code": { "coding": [ { "system": "http://snomed.info/sct", "code": "38341003", "display": "Hypertensie" },
                                    { "system": "http://hl7.org/fhir/sid/icpc-1-nl", "code": "K86" } ], "text": "Hoge bloeddruk" } }
            """;
        var tokens = Extract(json, "code").Cast<TokenIndexEntry>().ToList();
        Assert.Contains(tokens, t => t is { System: "http://snomed.info/sct", Code: "38341003", Text: "Hypertensie" });
        Assert.Contains(tokens, t => t is { System: "http://snomed.info/sct", Code: "38341003", Text: "Hoge bloeddruk", TextNormalized: "hoge bloeddruk" });
        Assert.Contains(tokens, t => t is { System: "http://hl7.org/fhir/sid/icpc-1-nl", Code: "K86", Text: "Hoge bloeddruk" });
    }

    [Fact]
    public void References_ByIdAbsoluteUrlAndIdentifier()
    {
        var refs = Extract(Patient, "general-practitioner").Cast<ReferenceIndexEntry>().ToList();
        Assert.Equal(3, refs.Count);
        Assert.Equal(("Practitioner", "gp1", (string?)null, (string?)null), (refs[0].ResourceType, refs[0].Id, refs[0].Version, refs[0].Url));
        Assert.Equal(("Organization", "o2", "3", "https://fhir.example.nl/fhir/Organization/o2/_history/3"), (refs[1].ResourceType, refs[1].Id, refs[1].Version, refs[1].Url));
        Assert.Equal(("http://fhir.nl/fhir/NamingSystem/agb-z", "01234567"), (refs[2].IdentifierSystem, refs[2].IdentifierValue));
        Assert.Null(refs[2].Id);
    }

    [Fact]
    public void PatientParameter_OnlyTakesReferencesToPatients()
    {
        var json = """{ "resourceType": "Observation", "status": "final", "code": { "text": "x" }, "subject": { "reference": "Group/g1" } }""";
        Assert.Empty(Extract(json, "patient"));
        Assert.Equal("g1", Extract(json, "subject").Cast<ReferenceIndexEntry>().Single().Id);
    }

    [Fact]
    public void Canonical_SplitsVersion()
    {
        var json = """{ "resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": "http://example.org/Questionnaire/intake|2.1" }""";
        var r = Assert.IsType<ReferenceIndexEntry>(Extract(json, "questionnaire").Single());
        Assert.Equal(("http://example.org/Questionnaire/intake", "2.1"), (r.Url, r.CanonicalVersion));
    }

    private const string Observation = """
        {
          "resourceType": "Observation", "id": "o1", "status": "final",
          "code": { "coding": [ { "system": "http://loinc.org", "code": "85354-9" } ] },
          "subject": { "reference": "Patient/p1" },
          "valueQuantity": { "value": 1.50, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L" },
          "component": [
            { "code": { "coding": [ { "system": "http://loinc.org", "code": "8480-6" } ] }, "valueQuantity": { "value": 120, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]" } },
            { "code": { "coding": [ { "system": "http://loinc.org", "code": "8462-4" } ] }, "valueQuantity": { "value": 80, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]" } }
          ]
        }
        """;

    [Fact]
    public void Quantity_KeepsItsPrecisionRangeAndUnit()
    {
        var q = Assert.IsType<QuantityIndexEntry>(Extract(Observation, "value-quantity").Single());
        Assert.Equal(1.50m, q.Value);
        Assert.Equal("1.50", q.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((1.495m, 1.505m), (q.Low, q.High));
        Assert.Equal(("http://unitsofmeasure.org", "mmol/L", "mmol/L"), (q.System, q.Code, q.Unit));
    }

    [Theory]
    [InlineData("100", "99.5", "100.5")]
    [InlineData("1.50", "1.495", "1.505")]
    [InlineData("0.001", "0.0005", "0.0015")]
    public void PrecisionRange_IsHalfTheLastDigit(string value, string low, string high)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var (l, h) = SearchValueExtractor.PrecisionRange(decimal.Parse(value, inv));
        Assert.Equal(decimal.Parse(low, inv), l);
        Assert.Equal(decimal.Parse(high, inv), h);
    }

    [Fact]
    public void Composite_PairsValuesFromTheSameComponent()
    {
        var entries = Extract(Observation, "component-code-value-quantity").Cast<CompositeIndexEntry>().ToList();
        Assert.Equal(2, entries.Count);
        var systolic = entries.Single(e => ((TokenIndexEntry)e.Components[0]).Code == "8480-6");
        Assert.Equal(120m, ((QuantityIndexEntry)systolic.Components[1]).Value);
        var diastolic = entries.Single(e => ((TokenIndexEntry)e.Components[0]).Code == "8462-4");
        Assert.Equal(80m, ((QuantityIndexEntry)diastolic.Components[1]).Value);
    }

    [Fact]
    public void EveryExample_ExtractsWithoutErrors()
    {
        int total = 0;
        var errors = new List<string>();
        foreach (var file in Directory.GetFiles(TestPaths.ExamplesDirectory, "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var entries = Extractor.ExtractAll(doc.RootElement, (p, e) => errors.Add($"{Path.GetFileName(file)} {p.Code}: {e.Message}"));
            total += entries.Count;
        }
        Assert.Empty(errors);
        Assert.True(total > 1500, $"only {total} entries");
    }

    [Fact]
    public void EveryExample_TypeSpecificPlans_ExtractTheSameAsTheFullExpressions()
    {
        // ExtractAll compiles each parameter for the resource's type, leaving out union branches of other types;
        // Extract(resource, parameter) evaluates the whole official expression.
        int compared = 0;
        var differences = new List<string>();
        foreach (var file in Directory.GetFiles(TestPaths.ExamplesDirectory, "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var type = doc.RootElement.GetProperty("resourceType").GetString()!;
            var specific = Extractor.ExtractAll(doc.RootElement, (_, _) => { }).Select(Describe).ToList();
            var full = new List<string>();
            foreach (var parameter in FhirDefinitions.Default.SearchParametersFor(type).Where(p => p.Expression is not null && p.Type != "special"))
            {
                try
                {
                    full.AddRange(Extractor.Extract(doc.RootElement, parameter).Select(Describe));
                }
                catch (FhirPathException)
                {
                }
            }
            if (!specific.SequenceEqual(full))
                differences.Add($"{Path.GetFileName(file)}: {string.Join(", ", specific.Except(full).Concat(full.Except(specific)).Take(3))}");
            compared += full.Count;
        }
        Assert.Empty(differences);
        Assert.True(compared > 1500, $"only {compared} entries compared");
    }

    private static string Describe(SearchIndexEntry entry) => entry is CompositeIndexEntry composite
        ? $"{composite.ParamCode}({string.Join("; ", composite.Components.Select(c => c.ToString()))})"
        : entry.ToString();

    [Fact]
    public void CompileFor_LeavesOutBranchesOfOtherTypes_ButKeepsWhatTurnsEmptyIntoAValue()
    {
        const string json = """{ "resourceType": "Observation", "status": "final", "subject": { "reference": "Patient/p1" } }""";
        using var doc = JsonDocument.Parse(json);
        var isType = FhirDefinitions.Default.IsResourceType;
        var union = FhirPathCompiler.CompileFor("Condition.subject | Observation.subject | Encounter.subject", "Observation", isType);
        Assert.Single(union.Evaluate(doc.RootElement));
        Assert.Empty(FhirPathCompiler.CompileFor("Condition.subject | Encounter.subject", "Observation", isType).Evaluate(doc.RootElement));
        var exists = FhirPathCompiler.CompileFor("Condition.subject.exists() | Observation.status", "Observation", isType).Evaluate(doc.RootElement);
        Assert.Equal(2, exists.Count);
    }

    [Fact]
    public void PatientExample_HasTheExpectedValues()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.ExamplesDirectory, "patient-example.json")));
        var entries = Extractor.ExtractAll(doc.RootElement);
        Assert.Contains(entries, e => e is StringIndexEntry { ParamCode: "family", Normalized: "chalmers" });
        Assert.Contains(entries, e => e is TokenIndexEntry { ParamCode: "_id", Code: "example" });
        Assert.Contains(entries, e => e is TokenIndexEntry { ParamCode: "identifier", System: "urn:oid:1.2.36.146.595.217.0.1", Code: "12345", TypeCode: "MR" });
        Assert.Contains(entries, e => e is ReferenceIndexEntry { ParamCode: "organization", ResourceType: "Organization", Id: "1" });
        Assert.Contains(entries, e => e is DateIndexEntry { ParamCode: "birthdate" } d && d.Low == new DateTimeOffset(1974, 12, 25, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void DocumentReferenceRelationship_IndexesCodeAndTarget_DespiteSwappedComponentDefinitions()
    {
        var json = """
            { "resourceType": "DocumentReference", "status": "current", "content": [ { "attachment": { "url": "http://x" } } ],
              "relatesTo": [ { "code": "appends", "target": { "reference": "DocumentReference/d0" } } ] }
            """;
        var entry = Assert.IsType<CompositeIndexEntry>(Extract(json, "relationship").Single());
        Assert.Contains(entry.Components, c => c is TokenIndexEntry { Code: "appends", System: "http://hl7.org/fhir/document-relationship-type" });
        Assert.Contains(entry.Components, c => c is ReferenceIndexEntry { ResourceType: "DocumentReference", Id: "d0" });
    }

    [Fact]
    public void AsOnRepeatingElements_IndexesEveryMatchingValue()
    {
        // R4: ActivityDefinition-context is (ActivityDefinition.useContext.value as CodeableConcept).
        var json = """
            { "resourceType": "ActivityDefinition", "status": "active",
              "useContext": [
                { "code": { "code": "focus" }, "valueCodeableConcept": { "coding": [ { "system": "http://snomed.info/sct", "code": "1" } ] } },
                { "code": { "code": "age" }, "valueQuantity": { "value": 18 } },
                { "code": { "code": "venue" }, "valueCodeableConcept": { "coding": [ { "system": "http://snomed.info/sct", "code": "2" } ] } } ] }
            """;
        Assert.Equal(["1", "2"], Extract(json, "context").Cast<TokenIndexEntry>().Select(t => t.Code));
    }

    [Fact]
    public void Timing_CoversItsEarliestToLatestEvent()
    {
        var json = """
            { "resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": { "reference": "Patient/p1" },
              "occurrenceTiming": { "event": [ "2026-03-10T09:00:00Z", "2026-03-01", "2026-03-05T12:00:00+01:00" ] } }
            """;
        var date = Assert.IsType<DateIndexEntry>(Extract(json, "occurrence").Single());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), date.Low);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 9, 0, 1, TimeSpan.Zero).AddTicks(-1), date.High);
    }

    [Fact]
    public void LogicalReference_KeepsItsDeclaredType()
    {
        var json = """
            { "resourceType": "Observation", "status": "final", "code": { "text": "x" },
              "performer": [ { "type": "Practitioner", "identifier": { "system": "http://fhir.nl/fhir/NamingSystem/big", "value": "123" } } ] }
            """;
        var r = Assert.IsType<ReferenceIndexEntry>(Extract(json, "performer").Single());
        Assert.Equal(("Practitioner", (string?)null, "http://fhir.nl/fhir/NamingSystem/big", "123"), (r.ResourceType, r.Id, r.IdentifierSystem, r.IdentifierValue));
    }

    [Fact]
    public void Money_IsAQuantityInIso4217()
    {
        var json = """{ "resourceType": "ChargeItem", "status": "billed", "code": { "text": "x" }, "subject": { "reference": "Patient/p1" }, "priceOverride": { "value": 12.50, "currency": "EUR" } }""";
        var q = Assert.IsType<QuantityIndexEntry>(Extract(json, "price-override").Single());
        Assert.Equal((12.50m, "urn:iso:std:iso:4217", "EUR"), (q.Value!.Value, q.System, q.Code));
    }

    [Fact]
    public void CustomSearchParameter_IsExtractedWithTheOfficialOnes()
    {
        var custom = new SearchParameterDefinition("http://example.org/SearchParameter/patient-level", "level", "level", "number", ["Patient"],
            "Patient.extension('http://example.org/level').value", [], [], [], [], true, true);
        var json = """{ "resourceType": "Patient", "id": "p1", "extension": [ { "url": "http://example.org/level", "valueDecimal": 2.5 } ] }""";
        using var doc = JsonDocument.Parse(json);
        var parameters = FhirDefinitions.Default.SearchParametersFor("Patient").Append(custom);
        var entries = Extractor.ExtractAll(doc.RootElement, parameters);
        Assert.Equal((2.5m, 2.45m, 2.55m), entries.OfType<NumberIndexEntry>().Where(e => e.ParamCode == "level").Select(e => (e.Value, e.Low, e.High)).Single());
        Assert.Contains(entries, e => e is TokenIndexEntry { ParamCode: "_id", Code: "p1" });
    }

    [Fact]
    public void FailingExpression_IsReported_AndTheOthersStillExtract()
    {
        var broken = new SearchParameterDefinition("http://example.org/SearchParameter/broken", "broken", "broken", "string", ["Patient"],
            "Patient.name.given.substring('x')", [], [], [], [], true, true);
        var json = """{ "resourceType": "Patient", "id": "p1", "name": [ { "given": ["A", "B"] } ] }""";
        using var doc = JsonDocument.Parse(json);
        var errors = new List<string>();
        var entries = Extractor.ExtractAll(doc.RootElement, FhirDefinitions.Default.SearchParametersFor("Patient").Append(broken), (p, e) => errors.Add(p.Code));
        Assert.Equal(["broken"], errors);
        Assert.Contains(entries, e => e is StringIndexEntry { ParamCode: "given", Value: "B" });
    }

    [Fact]
    public void EveryExample_EveryValueFound_GivesAnEntry()
    {
        // Values that legitimately index nothing: references without a literal or identifier (display only),
        // references to contained resources (#id: their entries only become index rows where the indexer finds the
        // contained resource, see ContainedSearchTests), and Attachments.
        static bool Unindexable(FhirPathValue v) => v is FhirPathNode n && (n.FhirType == "Attachment" ||
            (n.FhirType == "Reference" && !n.Element.TryGetProperty("identifier", out _) &&
             (!n.Element.TryGetProperty("reference", out var r) || r.GetString()!.StartsWith('#'))));

        var missing = new List<string>();
        int checkedPairs = 0;
        foreach (var file in Directory.GetFiles(TestPaths.ExamplesDirectory, "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var type = doc.RootElement.GetProperty("resourceType").GetString()!;
            foreach (var p in FhirDefinitions.Default.SearchParametersFor(type).Where(p => p.Expression is not null && p.Type is not "composite" and not "special"))
            {
                var values = FhirPathCompiler.Compile(p.Expression!)
                    .Evaluate(doc.RootElement, new FhirPathContext { LenientAs = true });
                if (values.Count == 0 || values.All(Unindexable)) continue;
                checkedPairs++;
                if (Extractor.Extract(doc.RootElement, p).Count == 0) missing.Add($"{Path.GetFileName(file)} {p.Code}");
            }
        }
        Assert.True(checkedPairs > 1000, $"only {checkedPairs} pairs checked");
        Assert.Empty(missing);
    }
}
