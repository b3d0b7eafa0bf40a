using System.Net;
using System.Text.Json;
using Identity.OAuth;
using Identity.Storage;

namespace Identity.Tests;

/// <summary>
/// Two instances on one database, as behind a load balancer: what one revokes the other honours
/// within Identity:RevocationRefreshSeconds (1 second here).
/// </summary>
public sealed class RevocationAcrossInstancesTests : IDisposable
{
    private const string Scope = "launch/patient openid fhirUser offline_access patient/*.rs";
    private readonly IdentityFactory _a = IdentityFactory.With(("Identity:RevocationRefreshSeconds", "1"));
    private readonly IdentityFactory _b;

    public RevocationAcrossInstancesTests()
    {
        _ = _a.Server;
        _b = _a.SecondInstance(("Identity:RevocationRefreshSeconds", "1"));
        _ = _b.Server;
        OAuthFlow.RegisterApp(_a);
    }

    public void Dispose()
    {
        _b.Dispose();
        _a.Dispose();
    }

    private static async Task<HttpStatusCode> ReadAsync(IdentityFactory host, string token)
    {
        using var client = host.Anonymous();
        return (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-willem-bos", token))).StatusCode;
    }

    private static async Task<HttpStatusCode> EventuallyAsync(IdentityFactory host, string token, HttpStatusCode expected)
    {
        var status = await ReadAsync(host, token);
        for (var i = 0; i < 25 && status != expected; i++)
        {
            await Task.Delay(100);
            status = await ReadAsync(host, token);
        }
        return status;
    }

    [Fact]
    public async Task LogoutEverywhere_OnOneInstance_EndsTheTokenOnTheOther_WithinTheBound()
    {
        var token = (await OAuthFlow.TokenForAsync(_a, "willem.bos@example.nl", "06-10000005", Scope, "patient-willem-bos")).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_b, token));
        await Task.Delay(1100);

        using var client = _a.Anonymous();
        var logout = await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Post, "/auth/logout-everywhere", token));
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(_a, token));
        var started = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.Unauthorized, await EventuallyAsync(_b, token, HttpStatusCode.Unauthorized));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2.5), "instance B took longer than the staleness bound");
    }

    [Fact]
    public async Task RevokedAccessToken_OnOneInstance_IsRejectedByTheOther_WithinTheBound()
    {
        var token = (await OAuthFlow.TokenForAsync(_a, "willem.bos@example.nl", "06-10000005", Scope, "patient-willem-bos")).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_b, token));

        using var client = _a.Anonymous();
        var revoke = await client.PostAsync("/auth/revoke", OAuthFlow.Form(("token", token), ("client_id", OAuthFlow.AppId)));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(_a, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await EventuallyAsync(_b, token, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task RefreshTokenRotatedOnOneInstance_ReusedOnTheOther_RevokesTheWholeLogin()
    {
        var first = await OAuthFlow.TokenForAsync(_a, "willem.bos@example.nl", "06-10000005", Scope, "patient-willem-bos");
        var refresh = first.GetProperty("refresh_token").GetString()!;
        using var clientA = _a.Anonymous();
        using var clientB = _b.Anonymous();

        var rotated = await clientA.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthFlow.AppId)));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync()).RootElement;
        var access = second.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_b, access));

        var reused = await clientB.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthFlow.AppId)));
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(_b, access));
        Assert.Equal(HttpStatusCode.Unauthorized, await EventuallyAsync(_a, access, HttpStatusCode.Unauthorized));
        var newest = await clientA.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "refresh_token"),
            ("refresh_token", second.GetProperty("refresh_token").GetString()!), ("client_id", OAuthFlow.AppId)));
        Assert.Equal(HttpStatusCode.BadRequest, newest.StatusCode);
    }

    [Fact]
    public async Task KeyRotatedByAnotherInstance_TokensItSigns_AreAcceptedHere()
    {
        var before = (await OAuthFlow.TokenForAsync(_a, "willem.bos@example.nl", "06-10000005", Scope, "patient-willem-bos")).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_b, before));
        _a.Get<SigningKeys>().Rotate();
        var after = (await OAuthFlow.TokenForAsync(_a, "willem.bos@example.nl", "06-10000005", Scope, "patient-willem-bos")).GetProperty("access_token").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(5.1));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_b, after));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_b, before));
    }
}

/// <summary>Refresh tokens rotate, a reused one ends the login, and rotation never extends a login past Identity:RefreshTokenDays.</summary>
public class RefreshTokenTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private const string Scope = "launch/patient openid fhirUser offline_access patient/*.rs";

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refresh) =>
        client.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", OAuthFlow.AppId)));

    private string Expiry(string refresh) => factory.Get<IdentityDb>().Query("SELECT expires_utc FROM identity_refresh_token WHERE hash = @h",
        r => r.GetString(0), ("@h", IdentityDb.Hash(refresh))).Single();

    [Fact]
    public async Task ReusedRefreshToken_RevokesEveryTokenOfThatLogin()
    {
        OAuthFlow.RegisterApp(factory);
        var first = await OAuthFlow.TokenForAsync(factory, "pieter.vandenberg@example.nl", "06-10000003", Scope, "patient-pieter-van-den-berg");
        using var client = factory.Anonymous();
        var rotated = JsonDocument.Parse(await (await RefreshAsync(client, first.GetProperty("refresh_token").GetString()!)).Content.ReadAsStringAsync()).RootElement;
        var access = rotated.GetProperty("access_token").GetString()!;
        var read = IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-pieter-van-den-berg", access);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(read)).StatusCode);

        var reuse = await RefreshAsync(client, first.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal("invalid_grant", JsonDocument.Parse(await reuse.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await RefreshAsync(client, rotated.GetProperty("refresh_token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-pieter-van-den-berg", access))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-pieter-van-den-berg", first.GetProperty("access_token").GetString()!))).StatusCode);
    }

    [Fact]
    public async Task RotatedRefreshToken_KeepsTheExpiryOfTheLogin()
    {
        OAuthFlow.RegisterApp(factory);
        var first = await OAuthFlow.TokenForAsync(factory, "fatima.elamrani@example.nl", "06-10000004", Scope, "patient-fatima-el-amrani");
        var refresh = first.GetProperty("refresh_token").GetString()!;
        var expiry = Expiry(refresh);
        Assert.InRange(IdentityDb.ParseTime(expiry), DateTimeOffset.UtcNow.AddDays(29.9), DateTimeOffset.UtcNow.AddDays(30.1));
        using var client = factory.Anonymous();
        await Task.Delay(50);
        var rotated = JsonDocument.Parse(await (await RefreshAsync(client, refresh)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(expiry, Expiry(rotated.GetProperty("refresh_token").GetString()!));
    }
}
