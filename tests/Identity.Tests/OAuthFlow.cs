using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Identity.OAuth;

namespace Identity.Tests;

/// <summary>Drives the Dutch login and consent pages like a browser would, for a public PKCE client.</summary>
public static partial class OAuthFlow
{
    public const string AppId = "test-app";
    public const string Redirect = "http://localhost/callback";

    public static void RegisterApp(IdentityFactory factory) =>
        factory.Get<ClientRegistry>().Save(AppId, "Test-app", ClientAuthMethods.None,
            ["launch/patient openid fhirUser offline_access patient/*.rs user/*.rs"], [Redirect]);

    public sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce New()
        {
            var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return new(verifier, challenge);
        }
    }

    public static string AuthorizeUrl(string scope, Pkce pkce, string state = "xyz-state") =>
        $"/auth/authorize?response_type=code&client_id={AppId}&redirect_uri={Uri.EscapeDataString(Redirect)}&scope={Uri.EscapeDataString(scope)}" +
        $"&state={state}&code_challenge={pkce.Challenge}&code_challenge_method=S256&aud={Uri.EscapeDataString("http://localhost/fhir")}";

    public static string Hidden(string html, string name) => Regex.Match(html, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value;

    /// <summary>Logs in with e-mail, password and the SMS code from the outbox; returns the consent page.</summary>
    public static async Task<string> LoginAsync(IdentityFactory factory, HttpClient client, string authorizeUrl, string email, string phone)
    {
        var page = await client.GetStringAsync(authorizeUrl);
        var authorization = Hidden(page, "authorization");
        Assert.False(string.IsNullOrEmpty(authorization), page);
        var codePage = await (await client.PostAsync("/auth/login", Form(("authorization", authorization), ("email", email), ("password", IdentityFactory.Password)))).Content.ReadAsStringAsync();
        var challenge = Hidden(codePage, "challenge");
        Assert.False(string.IsNullOrEmpty(challenge), codePage);
        var consent = await client.PostAsync("/auth/login/code", Form(("challenge", challenge), ("code", factory.LatestSmsCode(phone))));
        var html = await consent.Content.ReadAsStringAsync();
        Assert.True(consent.StatusCode == HttpStatusCode.OK, html);
        return html;
    }

    /// <summary>Consent for a patient; returns the redirect with code and state.</summary>
    public static async Task<HttpResponseMessage> ConsentAsync(HttpClient client, string consentPage, string? patient, string decision = "allow")
    {
        var fields = new List<(string, string)> { ("authorization", Hidden(consentPage, "authorization")), ("challenge", Hidden(consentPage, "challenge")), ("decision", decision) };
        if (patient is not null) fields.Add(("patient", patient));
        return await client.PostAsync("/auth/consent", Form(fields.ToArray()));
    }

    public static string Query(Uri location, string name) =>
        Regex.Match(location.Query, $"[?&]{name}=([^&]*)") is { Success: true } m ? Uri.UnescapeDataString(m.Groups[1].Value) : "";

    public static async Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(HttpClient client, string code, string verifier)
    {
        var response = await client.PostAsync("/auth/token", Form(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", AppId), ("code_verifier", verifier)));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>The whole standalone launch: a token for the chosen patient.</summary>
    public static async Task<JsonElement> TokenForAsync(IdentityFactory factory, string email, string phone, string scope, string? patient)
    {
        using var client = factory.Anonymous();
        var pkce = Pkce.New();
        var consent = await LoginAsync(factory, client, AuthorizeUrl(scope, pkce), email, phone);
        var redirect = await ConsentAsync(client, consent, patient);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var (status, body) = await ExchangeAsync(client, Query(redirect.Headers.Location!, "code"), pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>
    /// A login through an app of its own (a public client registered with <paramref name="clientScopes"/>), without a
    /// patient launch: the token response of <paramref name="email"/> for <paramref name="scope"/>.
    /// </summary>
    public static async Task<JsonElement> TokenThroughAppAsync(IdentityFactory factory, string clientId, string clientScopes, string scope, string email, string phone)
    {
        factory.Get<ClientRegistry>().Save(clientId, clientId, ClientAuthMethods.None, [clientScopes], [Redirect]);
        using var client = factory.Anonymous();
        var pkce = Pkce.New();
        var consent = await LoginAsync(factory, client, AuthorizeUrl(scope, pkce).Replace($"client_id={AppId}", $"client_id={clientId}"), email, phone);
        var code = Query((await ConsentAsync(client, consent, null)).Headers.Location!, "code");
        var response = await client.PostAsync("/auth/token", Form(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", clientId), ("code_verifier", pkce.Verifier)));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
}
