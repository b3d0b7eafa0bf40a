namespace Identity.OAuth;

/// <summary>An error answered as in RFC 6749 section 5.2: {"error", "error_description"} with status 400 or 401.</summary>
public sealed class OAuthError(string error, string description, int status = 400) : Exception(description)
{
    public string Error { get; } = error;

    public int Status { get; } = status;

    public static OAuthError InvalidClient(string description) => new("invalid_client", description, 401);

    public static OAuthError InvalidGrant(string description) => new("invalid_grant", description);

    public static OAuthError InvalidRequest(string description) => new("invalid_request", description);

    public static OAuthError InvalidScope(string description) => new("invalid_scope", description);
}
