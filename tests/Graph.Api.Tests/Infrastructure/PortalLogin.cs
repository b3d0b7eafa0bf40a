using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Identity.OAuth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api.Tests.Infrastructure;

/// <summary>
/// A real access token for a demo account, obtained like a browser would: the Dutch login page,
/// the SMS code from the outbox, consent, and the PKCE code exchange.
/// </summary>
public static partial class PortalLogin
{
    private const string AppId = "portal-api-tests";
    private const string Redirect = "http://localhost/callback";
    public const string Password = "Welkom2026";

    public static async Task<string> TokenAsync(PortalApiFactory host, string email, string phone, string scope = "openid fhirUser user/*.cruds")
    {
        host.Services.GetRequiredService<ClientRegistry>().Save(AppId, "Portal API tests", ClientAuthMethods.None, ["openid fhirUser user/*.cruds"], [Redirect]);
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var authorize = $"/auth/authorize?response_type=code&client_id={AppId}&redirect_uri={Uri.EscapeDataString(Redirect)}&scope={Uri.EscapeDataString(scope)}" +
            $"&state=s&code_challenge={challenge}&code_challenge_method=S256&aud={Uri.EscapeDataString("http://localhost/fhir")}";

        var page = await client.GetStringAsync(authorize);
        var codePage = await (await client.PostAsync("/auth/login", Form(("authorization", Hidden(page, "authorization")), ("email", email), ("password", Password))))
            .Content.ReadAsStringAsync();
        var consent = await client.PostAsync("/auth/login/code", Form(("challenge", Hidden(codePage, "challenge")), ("code", LatestSmsCode(host, phone))));
        var consentPage = await consent.Content.ReadAsStringAsync();
        Assert.True(consent.StatusCode == HttpStatusCode.OK, consentPage);
        var redirect = await client.PostAsync("/auth/consent", Form(("authorization", Hidden(consentPage, "authorization")), ("challenge", Hidden(consentPage, "challenge")), ("decision", "allow")));
        Assert.True(redirect.StatusCode == HttpStatusCode.Redirect, await redirect.Content.ReadAsStringAsync());
        var code = Uri.UnescapeDataString(Regex.Match(redirect.Headers.Location!.Query, "[?&]code=([^&]*)").Groups[1].Value);
        var token = await client.PostAsync("/auth/token", Form(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect), ("client_id", AppId), ("code_verifier", verifier)));
        var body = await token.Content.ReadAsStringAsync();
        Assert.True(token.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private static string LatestSmsCode(PortalApiFactory host, string phone)
    {
        var file = Directory.GetFiles(Path.Combine(host.DataDirectory, "outbox"), $"*-sms-{phone}-*").OrderBy(f => f, StringComparer.Ordinal).Last();
        return SmsCode().Match(File.ReadAllText(file)).Groups[1].Value;
    }

    private static string Hidden(string html, string name) => Regex.Match(html, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value;

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    [GeneratedRegex(@"is (\d{6})\.")]
    private static partial Regex SmsCode();
}
