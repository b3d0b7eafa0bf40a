using System.Text;
using Identity.Access;
using Identity.Accounts;
using Identity.OAuth;
using Identity.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Identity.Pages.Html;

namespace Identity.Pages;

/// <summary>
/// The authorization endpoint of SMART App Launch standalone: authorization code with PKCE (S256 only)
/// and state, then login (e-mail + password, then SMS code), then consent with the choice of patient
/// (own record or a child the WGBO rules allow).
/// https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
/// </summary>
public static class AuthorizePages
{
    public static readonly TimeSpan LoginWindow = TimeSpan.FromMinutes(15);

    public static void MapAuthorizePages(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup(IssuerUrls.Prefix).DisableAntiforgery();
        auth.MapGet("/authorize", Authorize);
        auth.MapPost("/login", Login).RequireRateLimiting(Extensions.LoginRateLimit);
        auth.MapPost("/login/code", LoginCode).RequireRateLimiting(Extensions.LoginRateLimit);
        auth.MapPost("/consent", Consent).RequireRateLimiting(Extensions.LoginRateLimit);
    }

    private static IResult Authorize(HttpContext context, ClientRegistry clients, IdentityDb db, TimeProvider time)
    {
        var q = context.Request.Query;
        var client = clients.Find(q["client_id"]);
        if (client is null)
            return Page("Inloggen niet mogelijk", Error("Deze applicatie is niet bekend bij de praktijk."), 400);
        var redirect = q["redirect_uri"].ToString();
        if (!client.RedirectUris.Contains(redirect))
            return Page("Inloggen niet mogelijk", Error("Het terugkeeradres van deze applicatie is niet geregistreerd."), 400);
        var state = q["state"].ToString();
        IResult Fail(string error, string description) => Results.Redirect(AppendQuery(redirect, ("error", error), ("error_description", description), ("state", state)));
        if (q["response_type"] != "code")
            return Fail("unsupported_response_type", "only response_type=code is supported");
        if (string.IsNullOrEmpty(state))
            return Fail("invalid_request", "state is required");
        if (q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            return Fail("invalid_request", "PKCE with code_challenge_method=S256 is required");
        if (q["aud"] is { Count: > 0 } aud && aud.ToString().TrimEnd('/') != IssuerUrls.FhirBase(context))
            return Fail("invalid_request", "aud is not this FHIR server");
        var scopes = TokenService.Split(q["scope"]);
        if (scopes.Count == 0)
            return Fail("invalid_scope", "scope is required");
        foreach (var scope in scopes)
        {
            if (!SmartScope.Covers(client.Scopes, scope) || SmartScope.Parse(scope) is { Context: "system" })
                return Fail("invalid_scope", $"scope {scope} is not granted to this application");
        }
        var now = time.GetUtcNow();
        var id = AccountService.NewId();
        db.Execute("""
            INSERT INTO identity_authorization (id, client_id, redirect_uri, scope, state, code_challenge, nonce, expires_utc, created_utc)
            VALUES (@id, @c, @r, @s, @st, @cc, @n, @e, @now)
            """, ("@id", id), ("@c", client.ClientId), ("@r", redirect), ("@s", string.Join(' ', scopes)), ("@st", state),
            ("@cc", q["code_challenge"].ToString()), ("@n", q["nonce"].Count > 0 ? q["nonce"].ToString() : null),
            ("@e", IdentityDb.Time(now + LoginWindow)), ("@now", IdentityDb.Time(now)));
        return Page("Inloggen", LoginForm(id, client.Name, null));
    }

    private static async Task<IResult> Login(HttpRequest request, AccountService accounts, IdentityDb db, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var grant = Load(db, form["authorization"], time);
        if (grant is null)
            return Page("Inloggen", Error(IdentityMessages.StepExpired), 400);
        var result = await accounts.PasswordStepAsync(form["email"], form["password"], grant.Id, ct);
        if (!result.Ok)
            return Page("Inloggen", LoginForm(grant.Id, null, result.Error), 400);
        return Page("Sms-code invullen", AccountPages.CodeForm(result.ChallengeId!, null, IssuerUrls.Prefix + "/login/code"));
    }

    private static async Task<IResult> LoginCode(HttpRequest request, AccountService accounts, ProxyAccess proxies, ClientRegistry clients, IdentityDb db, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var challenge = form["challenge"].ToString();
        var result = accounts.VerifyCode(challenge, form["code"]);
        if (!result.Ok)
        {
            return result.Error == IdentityMessages.LockedOut || result.ChallengeId is null
                ? Page("Inloggen", Error(result.Error), 400)
                : Page("Sms-code invullen", AccountPages.CodeForm(challenge, result.Error, IssuerUrls.Prefix + "/login/code"), 400);
        }
        var grant = Load(db, accounts.ChallengeData(challenge), time);
        if (grant is null)
            return Page("Inloggen", Error(IdentityMessages.StepExpired), 400);
        db.Execute("UPDATE identity_authorization SET account_id = @a WHERE id = @id", ("@a", result.Account!.Id), ("@id", grant.Id));
        return Page("Toestemming", await ConsentForm(grant, challenge, result.Account, clients.Find(grant.ClientId)?.Name ?? grant.ClientId, proxies, ct));
    }

    private static async Task<IResult> Consent(HttpRequest request, AccountService accounts, AccountStore store, ProxyAccess proxies, IdentityDb db, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var challenge = form["challenge"].ToString();
        var grant = Load(db, form["authorization"], time);
        // The consent must come from the session that passed the SMS step for this very request.
        var consumed = grant is null ? 0 : db.Execute(
            "UPDATE identity_challenge SET stage = 'consumed' WHERE id = @c AND stage = 'done' AND purpose = 'login' AND data = @a AND account_id = @acc",
            ("@c", challenge), ("@a", grant.Id), ("@acc", grant.AccountId));
        if (grant?.AccountId is null || consumed == 0)
            return Page("Toestemming", Error(IdentityMessages.StepExpired), 400);
        if (form["decision"] != "allow")
            return Results.Redirect(AppendQuery(grant.RedirectUri, ("error", "access_denied"), ("error_description", "De gebruiker gaf geen toestemming"), ("state", grant.State)));
        var account = store.FindById(grant.AccountId)!;
        var scopes = TokenService.Split(grant.Scope);
        string? patient = null;
        if (scopes.Contains("launch/patient") || scopes.Any(s => s.StartsWith("patient/", StringComparison.Ordinal)))
        {
            patient = form["patient"].ToString();
            var allowed = account.PatientId is not null && (patient == account.PatientId
                || await proxies.DecideAsync(account.PatientId, patient, ct) == ProxyDecision.Allowed);
            if (!allowed)
                return Page("Toestemming", Error("U heeft geen toegang tot het gekozen dossier."), 403);
        }
        var code = IdentityDb.NewSecret();
        db.Execute("UPDATE identity_authorization SET code_hash = @h, patient_id = @p, granted_scope = @s, expires_utc = @e WHERE id = @id",
            ("@h", IdentityDb.Hash(code)), ("@p", patient), ("@s", grant.Scope), ("@e", IdentityDb.Time(time.GetUtcNow() + TokenService.CodeLifetime)), ("@id", grant.Id));
        return Results.Redirect(AppendQuery(grant.RedirectUri, ("code", code), ("state", grant.State)));
    }

    private static AuthorizationGrant? Load(IdentityDb db, string? id, TimeProvider time)
    {
        if (string.IsNullOrEmpty(id))
            return null;
        var grant = db.Single("SELECT * FROM identity_authorization WHERE id = @id AND code_hash IS NULL", AuthorizationGrant.Map, ("@id", id));
        return grant is not null && grant.Expires > time.GetUtcNow() ? grant : null;
    }

    private static string LoginForm(string authorization, string? clientName, string? error) =>
        (clientName is null ? "" : $"<p>De applicatie <strong>{E(clientName)}</strong> vraagt toegang tot uw gegevens bij de praktijk. Log in om verder te gaan.</p>")
        + Error(error) + $"""
        <form method="post" action="{IssuerUrls.Prefix}/login">{Hidden("authorization", authorization)}
        <label for="email">E-mailadres</label><input id="email" name="email" type="email" autocomplete="username" required>
        <label for="password">Wachtwoord</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Ga verder</button></form>
        <p><a href="/account/wachtwoord-vergeten">Wachtwoord vergeten?</a></p>
        <p><small>Inloggen met DigiD is nog niet beschikbaar.</small></p>
        """;

    private static async Task<string> ConsentForm(AuthorizationGrant grant, string challenge, Account account, string clientName, ProxyAccess proxies, CancellationToken ct)
    {
        var scopes = TokenService.Split(grant.Scope);
        var html = new StringBuilder()
            .Append($"<p>De applicatie <strong>{E(clientName)}</strong> vraagt om:</p><ul>");
        foreach (var scope in scopes)
            html.Append("<li>").Append(E(DescribeScope(scope))).Append("</li>");
        html.Append("</ul><form method=\"post\" action=\"").Append(IssuerUrls.Prefix).Append("/consent\">")
            .Append(Hidden("authorization", grant.Id)).Append(Hidden("challenge", challenge));
        if ((scopes.Contains("launch/patient") || scopes.Any(s => s.StartsWith("patient/", StringComparison.Ordinal))) && account.PatientId is not null)
        {
            html.Append("<fieldset><legend>Voor wie?</legend>")
                .Append($"<label><input type=\"radio\" name=\"patient\" value=\"{E(account.PatientId)}\" checked> Mijn eigen dossier ({E(account.DisplayName)})</label>");
            foreach (var child in proxies.ChildrenOf(account.PatientId))
            {
                var decision = await proxies.DecideAsync(account.PatientId, child.ChildPatientId, ct);
                html.Append(decision == ProxyDecision.Allowed
                    ? $"<label><input type=\"radio\" name=\"patient\" value=\"{E(child.ChildPatientId)}\"> Dossier van mijn kind ({E(child.ChildPatientId)})</label>"
                    : $"<p><small>Dossier {E(child.ChildPatientId)}: {E(ProxyAccess.Explain(decision))}</small></p>");
            }
            html.Append("</fieldset>");
        }
        html.Append("<button type=\"submit\" name=\"decision\" value=\"allow\">Toestaan</button> ")
            .Append("<button type=\"submit\" name=\"decision\" value=\"deny\">Weigeren</button></form>");
        return html.ToString();
    }

    public static string DescribeScope(string scope)
    {
        if (scope switch
            {
                "openid" or "fhirUser" or "profile" => "weten wie u bent",
                "launch/patient" => "weten om welk dossier het gaat",
                "offline_access" => "toegang houden zonder dat u opnieuw inlogt",
                "online_access" => "toegang zolang u ingelogd bent",
                _ => null,
            } is { } fixedText)
            return fixedText;
        var parsed = SmartScope.Parse(scope);
        if (parsed is null)
            return scope;
        var what = parsed.Type == "*" ? "alle gegevens" : $"gegevens van het type {parsed.Type}";
        var verbs = new List<string>();
        if (parsed.Permissions.Contains('r') || parsed.Permissions.Contains('s')) verbs.Add("inzien");
        if (parsed.Permissions.Contains('c')) verbs.Add("toevoegen");
        if (parsed.Permissions.Contains('u')) verbs.Add("wijzigen");
        if (parsed.Permissions.Contains('d')) verbs.Add("verwijderen");
        var whose = parsed.Context == "patient" ? " in het gekozen dossier" : " waar u toegang toe heeft";
        return $"{what}{whose} {string.Join(", ", verbs)}";
    }

    public static string AppendQuery(string url, params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder(url);
        var separator = url.Contains('?') ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value)) continue;
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return builder.ToString();
    }
}
