using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.Validation;

namespace Fhir.Server.Tests.Validation;

/// <summary>Helpers shared by the validator tests.</summary>
internal static class V
{
    public static readonly ResourceValidator Validator = new(FhirDefinitions.Default);

    public static ValidationResult Validate(string json, string? expectedType = null, ResourceValidator? validator = null)
    {
        using var document = JsonDocument.Parse(json);
        return (validator ?? Validator).Validate(document.RootElement, expectedType);
    }

    /// <summary>Asserts the result has exactly one issue (of any severity) and it is at the given location with the given code.</summary>
    public static ValidationIssue Single(ValidationResult result, string expression, string code, IssueSeverity severity = IssueSeverity.Error)
    {
        var issue = Assert.Single(result.Issues);
        Assert.Equal(expression, issue.Expression);
        Assert.Equal(code, issue.Code);
        Assert.Equal(severity, issue.Severity);
        return issue;
    }

    public static void Valid(ValidationResult result) => Assert.True(result.Issues.Count == 0, result.ToString());
}
