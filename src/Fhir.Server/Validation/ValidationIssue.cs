namespace Fhir.Server.Validation;

/// <summary>OperationOutcome.issue.severity. https://hl7.org/fhir/R4/valueset-issue-severity.html</summary>
public enum IssueSeverity
{
    Fatal,
    Error,
    Warning,
    Information,
}

/// <summary>The OperationOutcome.issue.code values the validator uses. https://hl7.org/fhir/R4/valueset-issue-type.html</summary>
public static class IssueType
{
    public const string Invalid = "invalid";
    public const string Structure = "structure";
    public const string Required = "required";
    public const string Value = "value";
    public const string Invariant = "invariant";
    public const string CodeInvalid = "code-invalid";
    public const string NotSupported = "not-supported";
    public const string BusinessRule = "business-rule";
}

/// <summary>
/// One finding of the validator. <see cref="Expression"/> is a FHIRPath-style location such as
/// <c>Patient.name[0].given[0]</c>.
/// </summary>
public sealed record ValidationIssue(IssueSeverity Severity, string Code, string Diagnostics, string Expression)
{
    /// <summary>The severity as the FHIR code (<c>error</c>, <c>warning</c>...).</summary>
    public string SeverityCode => Severity switch
    {
        IssueSeverity.Fatal => "fatal",
        IssueSeverity.Error => "error",
        IssueSeverity.Warning => "warning",
        _ => "information",
    };

    public override string ToString() => $"{SeverityCode} {Code} @ {Expression}: {Diagnostics}";
}

/// <summary>The outcome of validating one resource.</summary>
public sealed class ValidationResult(IReadOnlyList<ValidationIssue> issues)
{
    public IReadOnlyList<ValidationIssue> Issues { get; } = issues;

    /// <summary>True when no issue is fatal or an error (warnings and information are allowed).</summary>
    public bool IsValid
    {
        get
        {
            foreach (var issue in Issues)
            {
                if (issue.Severity is IssueSeverity.Fatal or IssueSeverity.Error) return false;
            }
            return true;
        }
    }

    public override string ToString() => Issues.Count == 0 ? "valid" : string.Join(Environment.NewLine, Issues);
}
