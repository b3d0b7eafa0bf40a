namespace Fhir.Server.Features.Outcomes;

/// <summary>
/// A request the server answers with an OperationOutcome and a 4xx status. Thrown anywhere in the
/// FHIR pipeline; translated in one place (<see cref="Rest.FhirErrorMiddleware"/>).
/// </summary>
public sealed class FhirException : Exception
{
    public FhirException(int status, IReadOnlyList<OutcomeIssue> issues)
        : base(issues.Count > 0 ? issues[0].Diagnostics : "FHIR error")
    {
        Status = status;
        Issues = issues;
    }

    public FhirException(int status, string code, string diagnostics, string? expression = null)
        : this(status, [OutcomeIssue.Error(code, diagnostics, expression)])
    {
    }

    public int Status { get; }

    public IReadOnlyList<OutcomeIssue> Issues { get; }

    /// <summary>Response headers that belong to the error, such as WWW-Authenticate on a 401.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public static FhirException NotFound(string type, string id) =>
        new(404, IssueCodes.NotFound, $"{type}/{id} is not known");

    public static FhirException Gone(string type, string id) =>
        new(410, IssueCodes.Deleted, $"{type}/{id} has been deleted");

    public static FhirException BadRequest(string diagnostics, string? expression = null) =>
        new(400, IssueCodes.Invalid, diagnostics, expression);

    public static FhirException UnknownType(string type) =>
        new(404, IssueCodes.NotSupported, $"'{type}' is not a FHIR R4 resource type");
}
