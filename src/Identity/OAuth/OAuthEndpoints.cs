using System.Security.Claims;
using Identity.Accounts;
using Identity.Audit;
using Identity.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Identity.OAuth;

/// <summary>
/// Discovery (SMART configuration, OpenID Provider metadata), JWKS, token, introspection and revocation,
/// plus the account's own API: logout everywhere and "who accessed my record".
/// https://hl7.org/fhir/smart-app-launch/conformance.html ; https://openid.net/specs/openid-connect-discovery-1_0.html
/// </summary>
public static class OAuthEndpoints
{
    public static readonly string[] ScopesSupported =
    [
        "openid", "fhirUser", "launch/patient", "offline_access", "online_access",
        "patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds",
        "patient/*.read", "user/*.read", "system/*.read", "system/*.write",
    ];

    public static void MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/smart-configuration", SmartConfiguration);
        app.MapGet("/fhir/.well-known/smart-configuration", SmartConfiguration);
        app.MapGet("/.well-known/openid-configuration", OpenIdConfiguration);
        app.MapGet(IssuerUrls.Prefix + "/.well-known/openid-configuration", OpenIdConfiguration);
        var auth = app.MapGroup(IssuerUrls.Prefix).DisableAntiforgery();
        auth.MapGet("/jwks", (SigningKeys keys) => Results.Json(keys.Jwks()));
        auth.MapPost("/token", Token).RequireRateLimiting(Extensions.TokenRateLimit);
        auth.MapPost("/introspect", Introspect).RequireRateLimiting(Extensions.TokenRateLimit);
        auth.MapPost("/revoke", Revoke).RequireRateLimiting(Extensions.TokenRateLimit);
        auth.MapPost("/logout-everywhere", LogoutEverywhere);
        auth.MapGet("/access-log", AccessLogOfMyRecord);
    }

    private static TokenRequestContext Urls(HttpContext context) => new(IssuerUrls.Issuer(context), IssuerUrls.Token(context), IssuerUrls.FhirBase(context));

    private static IResult SmartConfiguration(HttpContext context)
    {
        var issuer = IssuerUrls.Issuer(context);
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = issuer + "/jwks",
            ["authorization_endpoint"] = issuer + "/authorize",
            ["token_endpoint"] = issuer + "/token",
            ["introspection_endpoint"] = issuer + "/introspect",
            ["revocation_endpoint"] = issuer + "/revoke",
            ["grant_types_supported"] = new[] { "authorization_code", "client_credentials", "refresh_token" },
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt", "client_secret_basic", "none" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["scopes_supported"] = ScopesSupported,
            ["response_types_supported"] = new[] { "code" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["capabilities"] = new[]
            {
                "launch-standalone", "client-public", "client-confidential-symmetric", "client-confidential-asymmetric",
                "context-standalone-patient", "permission-offline", "permission-online", "permission-patient", "permission-user", "permission-v1", "permission-v2",
                "sso-openid-connect",
            },
        });
    }

    private static IResult OpenIdConfiguration(HttpContext context)
    {
        var issuer = IssuerUrls.Issuer(context);
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + "/authorize",
            ["token_endpoint"] = issuer + "/token",
            ["jwks_uri"] = issuer + "/jwks",
            ["introspection_endpoint"] = issuer + "/introspect",
            ["revocation_endpoint"] = issuer + "/revoke",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["grant_types_supported"] = new[] { "authorization_code", "client_credentials", "refresh_token" },
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt", "client_secret_basic", "none" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = ScopesSupported,
            ["claims_supported"] = new[] { "sub", "fhirUser", "name" },
        });
    }

    private static async Task<IResult> Token(HttpContext context, TokenService tokens)
    {
        NoStore(context);
        try
        {
            var form = await ReadForm(context);
            return Results.Json(await tokens.HandleAsync(form, context.Request.Headers.Authorization, Urls(context)));
        }
        catch (OAuthError error)
        {
            return Error(context, error);
        }
    }

    private static async Task<IResult> Introspect(HttpContext context, TokenService tokens)
    {
        NoStore(context);
        try
        {
            var form = await ReadForm(context);
            await tokens.AuthenticateClientAsync(form, context.Request.Headers.Authorization, Urls(context), allowPublic: false);
            var token = form.GetValueOrDefault("token") ?? throw OAuthError.InvalidRequest("token is missing");
            return Results.Json(await tokens.IntrospectAsync(token, Urls(context)));
        }
        catch (OAuthError error)
        {
            return Error(context, error);
        }
    }

    private static async Task<IResult> Revoke(HttpContext context, TokenService tokens)
    {
        NoStore(context);
        try
        {
            var form = await ReadForm(context);
            var client = await tokens.AuthenticateClientAsync(form, context.Request.Headers.Authorization, Urls(context), allowPublic: true);
            var token = form.GetValueOrDefault("token") ?? throw OAuthError.InvalidRequest("token is missing");
            await tokens.RevokeAsync(token, client, Urls(context));
            return Results.Ok();
        }
        catch (OAuthError error)
        {
            return Error(context, error);
        }
    }

    private static IResult LogoutEverywhere(HttpContext context, AccountService accounts, TokenService tokens)
    {
        if (context.User.FindFirstValue(TokenClaims.Kind) is not (TokenClaims.KindPatient or TokenClaims.KindStaff) || context.User.FindFirstValue("sub") is not { } sub)
            return Results.Json(new { error = "invalid_token" }, statusCode: 401);
        var message = accounts.LogoutEverywhere(sub);
        tokens.ForgetAccount(sub);
        return Results.Json(new { message });
    }

    /// <summary>NEN 7513: the patient sees who accessed their record, when and how (times in Europe/Amsterdam).</summary>
    private static async Task<IResult> AccessLogOfMyRecord(HttpContext context, AccessLog log)
    {
        if (context.User.FindFirstValue(TokenClaims.FhirUser) is not { } fhirUser || !fhirUser.StartsWith("Patient/", StringComparison.Ordinal))
            return Results.Json(new { error = "invalid_token", error_description = "Alleen een patiënt kan zien wie zijn of haar dossier heeft geraadpleegd." }, statusCode: 401);
        await log.FlushAsync(context.RequestAborted);
        var amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        var entries = log.For(fhirUser["Patient/".Length..]).Select(e => new
        {
            tijdstip = TimeZoneInfo.ConvertTime(e.When, amsterdam).ToString("yyyy-MM-dd HH:mm:ss"),
            wie = e.Who,
            actie = e.Action switch
            {
                "read" or "vread" or "history-instance" => "ingezien",
                "search-type" => "gezocht",
                "create" => "toegevoegd",
                "update" or "patch" => "gewijzigd",
                "delete" => "verwijderd",
                var other => other,
            },
            auditEvent = $"AuditEvent/{e.AuditId}",
        });
        return Results.Json(entries);
    }

    private static async Task<Dictionary<string, string>> ReadForm(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
            throw OAuthError.InvalidRequest("The request must be application/x-www-form-urlencoded");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            if (value.Count > 1)
                throw OAuthError.InvalidRequest($"Parameter {key} is repeated");
            values[key] = value.ToString();
        }
        return values;
    }

    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }

    private static IResult Error(HttpContext context, OAuthError error)
    {
        if (error.Status == 401 && context.Request.Headers.Authorization.ToString().StartsWith("Basic", StringComparison.OrdinalIgnoreCase))
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"auth\"";
        return Results.Json(new { error = error.Error, error_description = error.Message }, statusCode: error.Status);
    }
}
