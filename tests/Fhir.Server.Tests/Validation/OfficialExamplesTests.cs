using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.Validation;

namespace Fhir.Server.Tests.Validation;

/// <summary>The official R4 examples in shared/fhir-test-data/examples validate clean, bar the listed errata.</summary>
public sealed class OfficialExamplesTests
{
    private static readonly ResourceValidator Validator = new(FhirDefinitions.Default);

    private const string LinkIdMissing = "Element 'linkId' is required";

    /// <summary>
    /// Examples that break their own StructureDefinitions: the file, a text every error of it must
    /// contain (so an erratum cannot hide another failure), and why the example is wrong.
    /// </summary>
    private static readonly Dictionary<string, (string EveryErrorContains, string Reason)> ExpectedFailures = new(StringComparer.Ordinal)
    {
        ["bundle-questionnaire.json"] = (LinkIdMissing, "Questionnaire.item.linkId is 1..1, but the generated display items (nested item) have no linkId"),
        ["medicinalproductcontraindication-questionnaire.json"] = (LinkIdMissing, "Questionnaire.item.linkId is 1..1, but nested display items have no linkId"),
        ["practitionerrole-questionnaire.json"] = (LinkIdMissing, "Questionnaire.item.linkId is 1..1, but nested display items have no linkId"),
        ["specimendefinition-questionnaire.json"] = (LinkIdMissing, "Questionnaire.item.linkId is 1..1, but nested display items have no linkId"),
        ["devicemetric-example.json"] = ("Reference to DeviceDefinition is not allowed here; allowed: Device.",
            "DeviceMetric.parent is Reference(Device), the example points at DeviceDefinition/dexcom"),
        ["deviceusestatement-example.json"] = ("Reference to Procedure is not allowed here",
            "DeviceUseStatement.reasonReference allows Condition, Observation, DiagnosticReport, DocumentReference, Media; the example uses Procedure"),
        ["medicationrequest0301.json"] = ("Reference to Practitioner is not allowed here; allowed: Organization.",
            "MedicationRequest.dispenseRequest.performer is Reference(Organization), the example points at a Practitioner"),
    };

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(SharedTestData.Examples, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [InlineData("patient-example.json")]
    [InlineData("practitioner-example.json")]
    [InlineData("organization-example.json")]
    [InlineData("schedule-example.json")]
    [InlineData("slot-example.json")]
    [InlineData("appointment-example.json")]
    [InlineData("communication-example.json")]
    [InlineData("medicationrequest0302.json")]
    [InlineData("observation-example.json")]
    public void Validate_PortalResourceExample_IsValid(string file)
    {
        Assert.True(File.Exists(Path.Combine(SharedTestData.Examples, file)), file);
        Assert.False(ExpectedFailures.ContainsKey(file));
        Validate_OfficialExample_IsValidUnlessListedAsErratum(file);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Validate_OfficialExample_IsValidUnlessListedAsErratum(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedTestData.Examples, file)));
        var result = Validator.Validate(document.RootElement);
        if (ExpectedFailures.TryGetValue(file, out var erratum))
        {
            Assert.False(result.IsValid, $"{file} is listed as an erratum ({erratum.Reason}) but now validates; remove it from the list.");
            Assert.All(result.Issues.Where(i => i.Severity is IssueSeverity.Error or IssueSeverity.Fatal),
                issue => Assert.Contains(erratum.EveryErrorContains, issue.Diagnostics));
        }
        else
        {
            Assert.True(result.IsValid, $"{file}:{Environment.NewLine}{result}");
        }
    }
}
