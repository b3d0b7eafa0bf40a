using Fhir.Server.Features.Outcomes;
using Graph.Engine.Execution;

namespace Graph.Api.Messaging;

/// <summary>Errors the portal shows to the user: a Dutch message and a stable extensions.code.</summary>
public static class MessagingErrors
{
    public const string UnauthenticatedCode = "UNAUTHENTICATED";
    public const string ForbiddenCode = "FORBIDDEN";
    public const string NotFoundCode = "NOT_FOUND";
    public const string InvalidCode = "BAD_USER_INPUT";
    public const string ClosedCode = "CONVERSATION_CLOSED";
    public const string AttachmentCode = "ATTACHMENT_REJECTED";

    public static GraphQLException Unauthenticated() => new("U bent niet ingelogd. Log opnieuw in.", UnauthenticatedCode);
    public static GraphQLException Forbidden(string message = "U heeft geen toegang tot dit bericht.") => new(message, ForbiddenCode);
    public static GraphQLException NotFound() => new("Dit bericht bestaat niet (meer).", NotFoundCode);
    public static GraphQLException Invalid(string message, string? field = null) =>
        field is null ? new(message, InvalidCode) : new GraphQLException(message, InvalidCode) { Extensions = { ["field"] = field } };
    public static GraphQLException Closed() =>
        new("Dit gesprek is afgesloten door de praktijk. Stel een nieuwe vraag als u nog iets wilt vragen.", ClosedCode);
    public static GraphQLException Attachment(string message) => new(message, AttachmentCode);

    /// <summary>The access policy speaks FhirException (401/403); the portal user gets the Dutch equivalent.</summary>
    public static Exception Translate(FhirException e) => e.Status switch
    {
        401 => Unauthenticated(),
        403 => Forbidden(),
        404 or 410 => NotFound(),
        _ => Invalid("Het bericht kon niet worden opgeslagen: " + string.Join(" ", e.Issues.Select(i => i.Diagnostics))),
    };
}
