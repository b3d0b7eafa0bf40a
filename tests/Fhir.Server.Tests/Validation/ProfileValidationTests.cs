using System.Text.Json.Nodes;
using Fhir.Server.Definitions;
using Fhir.Server.Validation;

namespace Fhir.Server.Tests.Validation;

/// <summary>
/// meta.profile validation against a profile held in fhir-profiles/project. The profile is derived
/// in the test from the official Patient snapshot: name 1..*, telecom 0..1, gender fixed to
/// "female", maritalStatus with a required binding, birthDate 0..0; identifier sliced by system
/// with a required slice "bsn" (value 1..1); extension sliced by url with "birthPlace" 0..1.
/// </summary>
public sealed class ProfileValidationTests : IDisposable
{
    private const string ProfileUrl = "http://example.org/fhir/StructureDefinition/test-patient";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fhir-profiles-test-" + Guid.NewGuid().ToString("N"));
    private readonly ResourceValidator _validator;
    private readonly FhirDefinitions _definitions;

    public ProfileValidationTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "project", "nested"));
        Directory.CreateSymbolicLink(Path.Combine(_directory, "r4"), Path.Combine(FhirDefinitions.Default.Directory, "r4"));
        File.WriteAllText(Path.Combine(_directory, "project", "nested", "test-patient.json"), BuildProfile());
        _definitions = FhirDefinitions.Load(_directory);
        _validator = new ResourceValidator(_definitions);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string BuildProfile()
    {
        var bundle = JsonNode.Parse(File.ReadAllText(Path.Combine(FhirDefinitions.Default.Directory, "r4", "profiles-resources.json")))!;
        var patient = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["id"] == "Patient").DeepClone();
        var types = JsonNode.Parse(File.ReadAllText(Path.Combine(FhirDefinitions.Default.Directory, "r4", "profiles-types.json")))!;
        var identifier = types["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["id"] == "Identifier");
        patient["url"] = ProfileUrl;
        patient["name"] = "TestPatient";
        patient["derivation"] = "constraint";
        patient["baseDefinition"] = "http://hl7.org/fhir/StructureDefinition/Patient";
        foreach (var element in patient["snapshot"]!["element"]!.AsArray())
        {
            switch ((string?)element!["path"])
            {
                case "Patient.name":
                    element["min"] = 1;
                    break;
                case "Patient.telecom":
                    element["max"] = "1";
                    break;
                case "Patient.identifier":
                    element["slicing"] = JsonNode.Parse("""{"discriminator":[{"type":"value","path":"system"}],"rules":"open"}""");
                    break;
                case "Patient.extension":
                    element["slicing"] = JsonNode.Parse("""{"discriminator":[{"type":"value","path":"url"}],"rules":"open"}""");
                    break;
                case "Patient.gender":
                    element["fixedCode"] = "female";
                    break;
                case "Patient.maritalStatus":
                    element["binding"] = new JsonObject { ["strength"] = "required", ["valueSet"] = "http://hl7.org/fhir/ValueSet/administrative-gender" };
                    break;
                case "Patient.birthDate":
                    element["max"] = "0";
                    break;
            }
        }
        var elements = patient["snapshot"]!["element"]!.AsArray();
        elements.Add(JsonNode.Parse("""
            {"id":"Patient.identifier:bsn","path":"Patient.identifier","sliceName":"bsn","min":1,"max":"1",
             "base":{"path":"Patient.identifier","min":0,"max":"*"},"type":[{"code":"Identifier"}]}
            """));
        foreach (var child in identifier["snapshot"]!["element"]!.AsArray().Skip(1))
        {
            var copy = child!.DeepClone();
            var name = ((string)child["path"]!)["Identifier.".Length..];
            copy["id"] = "Patient.identifier:bsn." + name;
            copy["path"] = "Patient.identifier." + name;
            if (name == "system") copy["fixedUri"] = Bsn.System;
            if (name == "value") copy["min"] = 1;
            elements.Add(copy);
        }
        elements.Add(JsonNode.Parse("""
            {"id":"Patient.extension:birthPlace","path":"Patient.extension","sliceName":"birthPlace","min":0,"max":"1",
             "base":{"path":"Patient.extension","min":0,"max":"*"},
             "type":[{"code":"Extension","profile":["http://hl7.org/fhir/StructureDefinition/patient-birthPlace"]}]}
            """));
        return patient.ToJsonString();
    }

    private const string Bsn1 = ""","identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn","value":"111222333"}]""";

    private ValidationResult Validate(string body) => V.Validate(
        $$"""{"resourceType":"Patient","meta":{"profile":["{{ProfileUrl}}"]}{{body}}}""", validator: _validator);

    [Fact]
    public void GetStructure_ProjectProfile_FoundByUrl()
    {
        var profile = _definitions.GetStructure(ProfileUrl);
        Assert.NotNull(profile);
        Assert.True(profile.IsProfile);
        Assert.Equal("Patient", profile.Type);
        var identifier = profile.FindElement("Patient.identifier")!;
        var bsn = Assert.Single(identifier.Slices);
        Assert.Equal("bsn", bsn.SliceName);
        Assert.Equal(new SliceDiscriminator("value", "system"), Assert.Single(identifier.Slicing!.Discriminators));
        Assert.Equal(1, bsn.GetChild("value")!.Min);
        Assert.DoesNotContain(profile.Elements, e => e.SliceName is not null);
        Assert.Same(_definitions.GetStructure("Patient"), _definitions.GetStructure("http://hl7.org/fhir/StructureDefinition/Patient"));
    }

    [Fact]
    public void Validate_ConformingToProfile_IsValid() =>
        V.Valid(Validate("""
            ,"name":[{"family":"Jansen"}],"gender":"female","telecom":[{"system":"phone","value":"1"}],
            "identifier":[{"system":"http://example.org/mrn","value":"42"},{"system":"http://fhir.nl/fhir/NamingSystem/bsn","value":"111222333"}],
            "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"Utrecht"}},{"url":"http://example.org/other","valueString":"x"}],
            "maritalStatus":{"coding":[{"system":"http://hl7.org/fhir/administrative-gender","code":"other"}]}
            """));

    [Fact]
    public void Validate_ProfileMinCardinality_ReportsRequired() =>
        V.Single(Validate(Bsn1), "Patient.name", IssueType.Required);

    [Fact]
    public void Validate_ProfileMaxCardinality_ReportsStructure()
    {
        var issue = V.Single(Validate(""","name":[{"family":"A"}],"telecom":[{"value":"1"},{"value":"2"}]""" + Bsn1), "Patient.telecom", IssueType.Structure);
        Assert.Contains("more than its maximum cardinality 1", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ProfileNarrowingMax_KeepsTheJsonArrayShape() =>
        V.Single(Validate(""","name":[{"family":"A"}],"telecom":{"value":"1"}""" + Bsn1), "Patient.telecom", IssueType.Structure);

    [Fact]
    public void Validate_RequiredSliceMissing_ReportsRequiredAtSlicedElement()
    {
        var issue = V.Single(Validate(""","name":[{"family":"A"}],"identifier":[{"system":"http://example.org/mrn","value":"42"}]"""), "Patient.identifier", IssueType.Required);
        Assert.Contains("Slice 'bsn'", issue.Diagnostics);
    }

    [Fact]
    public void Validate_RequiredSliceWithoutAnyValue_ReportsRequired()
    {
        var issue = V.Single(Validate(""","name":[{"family":"A"}]"""), "Patient.identifier", IssueType.Required);
        Assert.Contains("Slice 'bsn'", issue.Diagnostics);
    }

    [Fact]
    public void Validate_SliceChildRules_AreApplied() =>
        V.Single(Validate(""","name":[{"family":"A"}],"identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn"}]"""), "Patient.identifier[0].value", IssueType.Required);

    [Fact]
    public void Validate_ExtensionSliceMatchedByUrl_ChecksSliceMax()
    {
        const string extensions = """
            ,"name":[{"family":"A"}],"extension":[
              {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"Utrecht"}},
              {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"Zeist"}}]
            """;
        var issue = V.Single(Validate(extensions + Bsn1), "Patient.extension", IssueType.Structure);
        Assert.Contains("Slice 'birthPlace' of 'extension' allows at most 1", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ProfileProhibitsElement_ReportsStructure() =>
        V.Single(Validate(""","name":[{"family":"A"}],"birthDate":"1980" """ + Bsn1), "Patient.birthDate", IssueType.Structure);

    [Fact]
    public void Validate_ProfileFixedValue_ReportsValue()
    {
        var issue = V.Single(Validate(""","name":[{"family":"A"}],"gender":"male" """ + Bsn1), "Patient.gender", IssueType.Value);
        Assert.Contains("\"female\"", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ProfileRequiredBinding_ReportsCodeInvalid() =>
        V.Single(Validate(""","name":[{"family":"A"}],"maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"}]}""" + Bsn1),
            "Patient.maritalStatus", IssueType.CodeInvalid);

    [Fact]
    public void Validate_BaseRuleBrokenUnderProfile_IsReportedOnce() =>
        V.Single(Validate(""","name":[{"family":"A"}],"active":"yes" """ + Bsn1), "Patient.active", IssueType.Structure);

    [Fact]
    public void Validate_WithoutMetaProfile_ProfileIsNotApplied() =>
        V.Valid(V.Validate("""{"resourceType":"Patient","gender":"male"}""", validator: _validator));
}
