namespace Fhir.Server.Features.Outcomes;

/// <summary>One OperationOutcome.issue. https://hl7.org/fhir/R4/operationoutcome.html</summary>
public sealed record OutcomeIssue(string Severity, string Code, string Diagnostics, string? Expression = null)
{
    public static OutcomeIssue Error(string code, string diagnostics, string? expression = null) => new("error", code, diagnostics, expression);

    public static OutcomeIssue Information(string diagnostics) => new("information", "informational", diagnostics);

    public bool IsError => Severity is "error" or "fatal";
}

/// <summary>Stable codes (OperationOutcome.issue.code values) the server uses; https://hl7.org/fhir/R4/valueset-issue-type.html</summary>
public static class IssueCodes
{
    public const string Invalid = "invalid";
    public const string Structure = "structure";
    public const string Required = "required";
    public const string Value = "value";
    public const string NotFound = "not-found";
    public const string Deleted = "deleted";
    public const string Conflict = "conflict";
    public const string NotSupported = "not-supported";
    public const string TooCostly = "too-costly";
    public const string Exception = "exception";
    public const string Processing = "processing";
    public const string BusinessRule = "business-rule";
    public const string Forbidden = "forbidden";
    public const string Login = "login";
    public const string Informational = "informational";
}
