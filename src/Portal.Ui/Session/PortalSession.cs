using System.Security.Claims;
using Graph.Api.Messaging;
using Identity.Accounts;
using Identity.OAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Portal.Ui.Session;

/// <summary>
/// The portal's cookie session. Its principal carries the same claims an access token from the
/// authorization server would (kind, fhirUser, role, org, name, scope), so the GraphQL executor and
/// the one access policy treat a UI user exactly like an API caller.
/// </summary>
public static class PortalSession
{
    public const string Scheme = "portal-ui";
    public const string CookieName = "portal.sessie";
    public const string ClientId = "portal-ui";
    /// <summary>What a person who logged in to the portal may do through the API; the access policy narrows it per record.</summary>
    public const string Scope = "openid fhirUser user/*.cruds";
    /// <summary>When the person passed the SMS step (unix milliseconds); cookies older than a "logout everywhere" are refused.</summary>
    public const string AuthTime = "auth_time";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    public static ClaimsPrincipal PrincipalFor(Account account, DateTimeOffset now)
    {
        var claims = new List<Claim>
        {
            new("sub", account.Id),
            new(PortalClaims.Kind, account.Kind == AccountKind.Patient ? PortalClaims.KindPatient : PortalClaims.KindStaff),
            new(PortalClaims.Name, account.DisplayName),
            new(TokenClaims.Scope, Scope),
            new(TokenClaims.ClientId, ClientId),
            new(AuthTime, now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (account.FhirUser is { } fhirUser) claims.Add(new(PortalClaims.FhirUser, fhirUser));
        if (account.StaffRole is { } role) claims.Add(new(PortalClaims.Role, role));
        if (account.OrganizationId is { } org) claims.Add(new(PortalClaims.Organization, org));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, PortalClaims.Name, PortalClaims.Role));
    }

    /// <summary>
    /// A session stays valid while its account is active and no cut-off (logout everywhere, a new password,
    /// a role change, disabling) came after the login. Read through <see cref="Revocations"/>: at once on
    /// this instance, within <see cref="Revocations.StalenessBound"/> when the change was made on another
    /// instance on the same database, without a database read on every request.
    /// </summary>
    public static bool StillValid(ClaimsPrincipal principal, Revocations revocations) =>
        principal.FindFirstValue("sub") is { } id
        && long.TryParse(principal.FindFirstValue(AuthTime), out var authTime)
        && !revocations.IsSessionEnded(id, DateTimeOffset.FromUnixTimeMilliseconds(authTime));

    internal static void Configure(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = CookieName;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        // Secure on HTTPS (production behind TLS); plain HTTP only on a developer's loopback.
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Cookie.IsEssential = true;
        o.ExpireTimeSpan = IdleTimeout;
        o.SlidingExpiration = true;
        o.LoginPath = "/inloggen";
        o.LogoutPath = "/uitloggen";
        o.AccessDeniedPath = "/geen-toegang";
        o.ReturnUrlParameter = "terug";
        o.Events.OnValidatePrincipal = context =>
        {
            var revocations = context.HttpContext.RequestServices.GetService(typeof(Revocations)) as Revocations;
            if (context.Principal is null || revocations is null || !StillValid(context.Principal, revocations))
            {
                context.RejectPrincipal();
                return context.HttpContext.SignOutAsync(Scheme);
            }
            return Task.CompletedTask;
        };
    }
}
