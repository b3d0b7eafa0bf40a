using System.Net;
using System.Text.Json;

namespace Identity.Tests;

/// <summary>SMART App Launch standalone: authorization code with PKCE S256, state, patient context, refresh tokens.</summary>
public class AuthorizationCodeTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private const string PatientScope = "launch/patient openid fhirUser offline_access patient/*.rs";

    [Fact]
    public async Task StandaloneLaunch_GivesPatientContext_IdToken_AndRotatingRefreshToken()
    {
        OAuthFlow.RegisterApp(factory);
        var token = await OAuthFlow.TokenForAsync(factory, "pieter.vandenberg@example.nl", "06-10000003", PatientScope, "patient-pieter-van-den-berg");
        Assert.Equal("patient-pieter-van-den-berg", token.GetProperty("patient").GetString());
        Assert.True(token.TryGetProperty("id_token", out _));
        var refresh = token.GetProperty("refresh_token").GetString()!;

        using var client = factory.Anonymous();
        var refreshed = await client.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthFlow.AppId)));
        var body = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(refresh, body.GetProperty("refresh_token").GetString());
        var reused = await client.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthFlow.AppId)));
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
    }

    [Fact]
    public async Task WrongPkceVerifier_IsRejected()
    {
        OAuthFlow.RegisterApp(factory);
        using var client = factory.Anonymous();
        var pkce = OAuthFlow.Pkce.New();
        var consent = await OAuthFlow.LoginAsync(factory, client, OAuthFlow.AuthorizeUrl(PatientScope, pkce), "willem.bos@example.nl", "06-10000005");
        var redirect = await OAuthFlow.ConsentAsync(client, consent, "patient-willem-bos");
        Assert.Equal("xyz-state", OAuthFlow.Query(redirect.Headers.Location!, "state"));
        var (status, body) = await OAuthFlow.ExchangeAsync(client, OAuthFlow.Query(redirect.Headers.Location!, "code"), OAuthFlow.Pkce.New().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ReusedCode_IsRejected_AndRevokesTheFirstToken()
    {
        OAuthFlow.RegisterApp(factory);
        using var client = factory.Anonymous();
        var pkce = OAuthFlow.Pkce.New();
        var consent = await OAuthFlow.LoginAsync(factory, client, OAuthFlow.AuthorizeUrl(PatientScope, pkce), "willem.bos@example.nl", "06-10000005");
        var code = OAuthFlow.Query((await OAuthFlow.ConsentAsync(client, consent, "patient-willem-bos")).Headers.Location!, "code");
        var (first, token) = await OAuthFlow.ExchangeAsync(client, code, pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, first);
        var access = token.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-willem-bos", access))).StatusCode);
        var (second, error) = await OAuthFlow.ExchangeAsync(client, code, pkce.Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, second);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-willem-bos", access))).StatusCode);
    }

    [Fact]
    public async Task AuthorizeWithoutS256_OrWithUngrantedScope_RedirectsWithError()
    {
        OAuthFlow.RegisterApp(factory);
        using var client = factory.Anonymous();
        var plain = await client.GetAsync(OAuthFlow.AuthorizeUrl(PatientScope, OAuthFlow.Pkce.New()).Replace("S256", "plain"));
        Assert.Equal("invalid_request", OAuthFlow.Query(plain.Headers.Location!, "error"));
        var system = await client.GetAsync(OAuthFlow.AuthorizeUrl("system/*.cruds", OAuthFlow.Pkce.New()));
        Assert.Equal("invalid_scope", OAuthFlow.Query(system.Headers.Location!, "error"));
        var unknownRedirect = await client.GetAsync(OAuthFlow.AuthorizeUrl(PatientScope, OAuthFlow.Pkce.New()).Replace("callback", "elders"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownRedirect.StatusCode);
        Assert.Contains("niet geregistreerd", await unknownRedirect.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LoginPage_IsDutch_AndWrongPasswordIsExplained()
    {
        OAuthFlow.RegisterApp(factory);
        using var client = factory.Anonymous();
        var page = await client.GetStringAsync(OAuthFlow.AuthorizeUrl(PatientScope, OAuthFlow.Pkce.New()));
        Assert.Contains("<html lang=\"nl\">", page);
        Assert.Contains("Wachtwoord vergeten?", page);
        var wrong = await client.PostAsync("/auth/login", OAuthFlow.Form(("authorization", OAuthFlow.Hidden(page, "authorization")),
            ("email", "willem.bos@example.nl"), ("password", "Verkeerd9999")));
        Assert.Contains("Het e-mailadres of wachtwoord is onjuist.", await wrong.Content.ReadAsStringAsync());
    }
}
