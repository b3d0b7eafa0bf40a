using System.Text.Json.Nodes;
using Fhir.Server.Definitions;
using Fhir.Server.Validation;

namespace Fhir.Server.Tests.Validation;

/// <summary>
/// meta.profile validation against a profile held in fhir-profiles/project. The profile is derived
/// in the test from the official Patient snapshot: name 1..*, identifier 0..1, gender fixed to
/// "female", maritalStatus with a required binding, birthDate 0..0.
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
                case "Patient.identifier":
                    element["max"] = "1";
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
        return patient.ToJsonString();
    }

    private ValidationResult Validate(string body) => V.Validate(
        $$"""{"resourceType":"Patient","meta":{"profile":["{{ProfileUrl}}"]}{{body}}}""", validator: _validator);

    [Fact]
    public void GetStructure_ProjectProfile_FoundByUrl()
    {
        var profile = _definitions.GetStructure(ProfileUrl);
        Assert.NotNull(profile);
        Assert.True(profile.IsProfile);
        Assert.Equal("Patient", profile.Type);
        Assert.Same(_definitions.GetStructure("Patient"), _definitions.GetStructure("http://hl7.org/fhir/StructureDefinition/Patient"));
    }

    [Fact]
    public void Validate_ConformingToProfile_IsValid() =>
        V.Valid(Validate("""
            ,"name":[{"family":"Jansen"}],"gender":"female","identifier":[{"value":"1"}],
            "maritalStatus":{"coding":[{"system":"http://hl7.org/fhir/administrative-gender","code":"other"}]}
            """));

    [Fact]
    public void Validate_ProfileMinCardinality_ReportsRequired() =>
        V.Single(Validate(""), "Patient.name", IssueType.Required);

    [Fact]
    public void Validate_ProfileMaxCardinality_ReportsStructure()
    {
        var issue = V.Single(Validate(""","name":[{"family":"A"}],"identifier":[{"value":"1"},{"value":"2"}]"""), "Patient.identifier", IssueType.Structure);
        Assert.Contains("more than its maximum cardinality 1", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ProfileNarrowingMax_KeepsTheJsonArrayShape() =>
        V.Single(Validate(""","name":[{"family":"A"}],"identifier":{"value":"1"}"""), "Patient.identifier", IssueType.Structure);

    [Fact]
    public void Validate_ProfileProhibitsElement_ReportsStructure() =>
        V.Single(Validate(""","name":[{"family":"A"}],"birthDate":"1980" """), "Patient.birthDate", IssueType.Structure);

    [Fact]
    public void Validate_ProfileFixedValue_ReportsValue()
    {
        var issue = V.Single(Validate(""","name":[{"family":"A"}],"gender":"male" """), "Patient.gender", IssueType.Value);
        Assert.Contains("\"female\"", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ProfileRequiredBinding_ReportsCodeInvalid() =>
        V.Single(Validate(""","name":[{"family":"A"}],"maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"}]}"""),
            "Patient.maritalStatus", IssueType.CodeInvalid);

    [Fact]
    public void Validate_BaseRuleBrokenUnderProfile_IsReportedOnce() =>
        V.Single(Validate(""","name":[{"family":"A"}],"active":"yes" """), "Patient.active", IssueType.Structure);

    [Fact]
    public void Validate_WithoutMetaProfile_ProfileIsNotApplied() =>
        V.Valid(V.Validate("""{"resourceType":"Patient","gender":"male"}""", validator: _validator));
}
