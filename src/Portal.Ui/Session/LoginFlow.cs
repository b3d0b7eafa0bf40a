using Identity.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Portal.Ui.Session;

/// <summary>
/// Login as the practice's page describes it (seed 004): e-mail and password, then the 6-digit SMS code,
/// through the identity module's <see cref="AccountService"/> (lockout, rate of tries, messages). Between
/// the two steps the pending challenge lives in a short, encrypted, HttpOnly cookie of this browser only.
/// </summary>
public sealed class LoginFlow(AccountService accounts, AccountStore store, IDataProtectionProvider protection, TimeProvider time)
{
    public const string PendingCookie = "portal.inlog";
    private const string ChallengeData = "portal-ui";
    private static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(15);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("Portal.Ui.LoginFlow").ToTimeLimitedDataProtector();

    /// <summary>Step 1. On success an SMS code is on its way and the browser holds the pending challenge.</summary>
    public async Task<string?> PasswordAsync(HttpContext http, string? email, string? password, string? returnUrl)
    {
        var result = await accounts.PasswordStepAsync(email?.Trim(), password, ChallengeData, http.RequestAborted);
        if (!result.Ok)
            return result.Error;
        var payload = $"{result.ChallengeId}\n{SafeReturnUrl(returnUrl)}";
        http.Response.Cookies.Append(PendingCookie, Protector.Protect(payload, PendingLifetime), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            IsEssential = true,
            MaxAge = PendingLifetime,
            Path = "/inloggen",
        });
        return null;
    }

    /// <summary>Whether this browser has a login waiting for its SMS code.</summary>
    public bool HasPending(HttpContext http) => Pending(http) is not null;

    /// <summary>Step 2: the SMS code. Returns the error to show next to the field, or signs in and returns where to go.</summary>
    public async Task<(string? Error, string? Next, bool Restart)> CodeAsync(HttpContext http, string? code)
    {
        if (Pending(http) is not { } pending)
            return (IdentityMessages.StepExpired, null, true);
        var result = accounts.VerifyCode(pending.Challenge, code);
        if (!result.Ok)
            return (result.Error, null, result.ChallengeId is null || result.Error == IdentityMessages.LockedOut);
        if (accounts.ChallengeData(pending.Challenge) != ChallengeData || store.FindById(result.Account!.Id) is not { } account)
            return (IdentityMessages.StepExpired, null, true);
        http.Response.Cookies.Delete(PendingCookie, new CookieOptions { Path = "/inloggen" });
        await http.SignInAsync(PortalSession.Scheme, PortalSession.PrincipalFor(account, time.GetUtcNow()),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        return (null, pending.ReturnUrl, false);
    }

    public void Cancel(HttpContext http) => http.Response.Cookies.Delete(PendingCookie, new CookieOptions { Path = "/inloggen" });

    private (string Challenge, string ReturnUrl)? Pending(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(PendingCookie, out var value) || string.IsNullOrEmpty(value))
            return null;
        try
        {
            var parts = Protector.Unprotect(value).Split('\n', 2);
            return parts.Length == 2 ? (parts[0], parts[1]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Only a path on this site: an open redirect would turn the login into a phishing tool.</summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.StartsWith("/inloggen", StringComparison.OrdinalIgnoreCase)
            ? url : "/";
}
