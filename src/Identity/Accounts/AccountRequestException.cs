namespace Identity.Accounts;

/// <summary>
/// A request about accounts that cannot be done, with a Dutch message for the user and a stable code
/// (the GraphQL error codes of the portal API: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT,
/// TOO_MANY_REQUESTS) and, for bad input, the field it is about.
/// </summary>
public sealed class AccountRequestException(string code, string message, string? field = null) : Exception(message)
{
    public const string UnauthenticatedCode = "UNAUTHENTICATED";
    public const string ForbiddenCode = "FORBIDDEN";
    public const string NotFoundCode = "NOT_FOUND";
    public const string InvalidCode = "BAD_USER_INPUT";
    public const string TooManyCode = "TOO_MANY_REQUESTS";

    public string Code { get; } = code;
    public string? Field { get; } = field;

    public static AccountRequestException Unauthenticated() => new(UnauthenticatedCode, "U bent niet ingelogd. Log opnieuw in.");
    public static AccountRequestException Forbidden(string message) => new(ForbiddenCode, message);
    public static AccountRequestException NotFound(string message) => new(NotFoundCode, message);
    public static AccountRequestException Invalid(string message, string field) => new(InvalidCode, message, field);
    public static AccountRequestException TooMany() => new(TooManyCode, IdentityMessages.TooManyRequests);
}
