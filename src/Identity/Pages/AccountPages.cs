using Identity.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Identity.Pages.Html;

namespace Identity.Pages;

/// <summary>Activation and password reset: e-mail link, then SMS code, then a password of one's own choosing.</summary>
public static class AccountPages
{
    public static void MapAccountPages(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").DisableAntiforgery();
        account.MapGet("/activeren", OpenLink);
        account.MapPost("/activeren/code", Code).RequireRateLimiting(Extensions.LoginRateLimit);
        account.MapPost("/activeren/wachtwoord", Password).RequireRateLimiting(Extensions.LoginRateLimit);
        account.MapGet("/wachtwoord-vergeten", (HttpContext _) => Page("Wachtwoord vergeten", ForgotForm(null)));
        account.MapPost("/wachtwoord-vergeten", Forgot).RequireRateLimiting(Extensions.LoginRateLimit);
    }

    private static async Task<IResult> OpenLink(string? t, AccountService accounts, CancellationToken ct)
    {
        var result = await accounts.OpenLinkAsync(t, ct);
        return result.Ok ? Page("Sms-code invullen", CodeForm(result.ChallengeId!, null)) : Page("Account activeren", Error(result.Error), 400);
    }

    private static async Task<IResult> Code(HttpRequest request, AccountService accounts)
    {
        var form = await request.ReadFormAsync();
        var result = accounts.VerifyCode(form["challenge"], form["code"]);
        if (result.Ok)
            return Page("Kies een wachtwoord", PasswordForm(result.ChallengeId!, null));
        return result.ChallengeId is null ? Page("Account activeren", Error(result.Error), 400) : Page("Sms-code invullen", CodeForm(result.ChallengeId, result.Error), 400);
    }

    private static async Task<IResult> Password(HttpRequest request, AccountService accounts)
    {
        var form = await request.ReadFormAsync();
        var result = accounts.SetPassword(form["challenge"], form["password"], form["confirm"]);
        if (result.Ok)
            return Page("Gelukt", Info(IdentityMessages.Activated));
        return result.ChallengeId is null ? Page("Account activeren", Error(result.Error), 400) : Page("Kies een wachtwoord", PasswordForm(result.ChallengeId, result.Error), 400);
    }

    private static async Task<IResult> Forgot(HttpRequest request, AccountService accounts, CancellationToken ct)
    {
        var form = await request.ReadFormAsync();
        var message = await accounts.RequestPasswordResetAsync(form["email"].ToString(), ct);
        return Page("Wachtwoord vergeten", Info(message));
    }

    internal static string CodeForm(string challenge, string? error, string action = "/account/activeren/code") =>
        Error(error) + $"""
        <p>We hebben een sms met een code van 6 cijfers naar uw mobiele telefoon gestuurd. De code is 5 minuten geldig.</p>
        <form method="post" action="{action}">{Hidden("challenge", challenge)}
        <label for="code">Sms-code</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
        <button type="submit">Ga verder</button></form>
        """;

    private static string PasswordForm(string challenge, string? error) => Error(error) + $"""
        <p>Kies een wachtwoord van minimaal 10 tekens, met minstens 1 hoofdletter, 1 kleine letter en 2 cijfers.</p>
        <form method="post" action="/account/activeren/wachtwoord">{Hidden("challenge", challenge)}
        <label for="password">Nieuw wachtwoord</label><input id="password" name="password" type="password" autocomplete="new-password" required>
        <label for="confirm">Herhaal het wachtwoord</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
        <button type="submit">Wachtwoord opslaan</button></form>
        """;

    private static string ForgotForm(string? error) => Error(error) + """
        <form method="post" action="/account/wachtwoord-vergeten">
        <label for="email">E-mailadres</label><input id="email" name="email" type="email" autocomplete="email" required>
        <button type="submit">Stuur mij een link</button></form>
        """;
}
