using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Identity.OAuth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Identity.Tests;

/// <summary>SMART Backend Services: client_credentials with private_key_jwt (RS384, ES384) and client_secret_basic.</summary>
public class BackendServicesTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private const string TokenUrl = "http://localhost/auth/token";
    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly ECDsa Ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    private void Register(string id, SecurityKey key, string scopes = "system/Patient.rs system/Observation.rs")
    {
        var jwk = JsonWebKeyConverter.ConvertFromSecurityKey(key);
        jwk.KeyId = id + "-key";
        var publicJwk = new Dictionary<string, string?>
        {
            ["kty"] = jwk.Kty, ["kid"] = jwk.KeyId, ["n"] = jwk.N, ["e"] = jwk.E, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y,
        }.Where(p => p.Value is not null).ToDictionary();
        factory.Get<ClientRegistry>().Save(id, id, ClientAuthMethods.PrivateKeyJwt, [scopes], jwks: JsonSerializer.Serialize(new { keys = new[] { publicJwk } }));
    }

    private static string Assertion(string clientId, SecurityKey key, string alg, string? jti = null, TimeSpan? lifetime = null, string aud = TokenUrl, DateTime? now = null)
    {
        var issued = now ?? DateTime.UtcNow;
        key.KeyId = clientId + "-key";
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = aud,
            Expires = issued + (lifetime ?? TimeSpan.FromMinutes(4)),
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = jti ?? Guid.NewGuid().ToString() },
            SigningCredentials = new SigningCredentials(key, alg),
        });
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Token(string assertion, string scope = "system/Patient.rs")
    {
        using var client = factory.Anonymous();
        var response = await client.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "client_credentials"), ("scope", scope),
            ("client_assertion_type", TokenService.AssertionType), ("client_assertion", assertion)));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task PrivateKeyJwt_RS384_And_ES384_GetTokensThatReadFhir()
    {
        Register("his-rsa", new RsaSecurityKey(Rsa));
        Register("his-ec", new ECDsaSecurityKey(Ec));
        foreach (var (id, key, alg) in new (string, SecurityKey, string)[] { ("his-rsa", new RsaSecurityKey(Rsa), "RS384"), ("his-ec", new ECDsaSecurityKey(Ec), "ES384") })
        {
            var (status, body) = await Token(Assertion(id, key, alg));
            Assert.True(status == HttpStatusCode.OK, body.ToString());
            Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
            Assert.Equal("system/Patient.rs", body.GetProperty("scope").GetString());
            using var client = factory.Anonymous();
            var read = await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-willem-bos", body.GetProperty("access_token").GetString()!));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
    }

    [Fact]
    public async Task ReplayedAssertion_IsRejected()
    {
        Register("his-replay", new RsaSecurityKey(Rsa));
        var assertion = Assertion("his-replay", new RsaSecurityKey(Rsa), "RS384");
        Assert.Equal(HttpStatusCode.OK, (await Token(assertion)).Status);
        var (status, body) = await Token(assertion);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.Contains("replay", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task ExpiredAssertion_TooLongAssertion_WrongAudience_WrongAlgorithm_AreRejected()
    {
        Register("his-bad", new RsaSecurityKey(Rsa));
        var key = new RsaSecurityKey(Rsa);
        var expired = await Token(Assertion("his-bad", key, "RS384", now: DateTime.UtcNow.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(2)));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        var tooLong = await Token(Assertion("his-bad", key, "RS384", lifetime: TimeSpan.FromMinutes(30)));
        Assert.Contains("5 minutes", tooLong.Body.GetProperty("error_description").GetString());
        var wrongAud = await Token(Assertion("his-bad", key, "RS384", aud: "https://elders.example/token"));
        Assert.Contains("audience", wrongAud.Body.GetProperty("error_description").GetString());
        var rs256 = await Token(Assertion("his-bad", key, "RS256"));
        Assert.Equal(HttpStatusCode.Unauthorized, rs256.Status);
        var otherKey = await Token(Assertion("his-bad", new RsaSecurityKey(RSA.Create(2048)), "RS384"));
        Assert.Equal(HttpStatusCode.Unauthorized, otherKey.Status);
    }

    [Fact]
    public async Task ScopeNotGrantedToTheClient_IsRejected()
    {
        Register("his-narrow", new RsaSecurityKey(Rsa), "system/Observation.rs");
        var (status, body) = await Token(Assertion("his-narrow", new RsaSecurityKey(Rsa), "RS384"), "system/Patient.cruds");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ClientSecretBasic_WrongSecret_Is401_AndIntrospectionAndRevocationWork()
    {
        var token = await factory.SystemTokenAsync("system/Patient.rs");
        using var client = factory.Anonymous();
        var bad = await client.SendAsync(IdentityFactory.BasicTokenRequest("his", "fout", new() { ["grant_type"] = "client_credentials", ["scope"] = "system/Patient.rs" }));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);

        var introspect = new HttpRequestMessage(HttpMethod.Post, "/auth/introspect") { Content = OAuthFlow.Form(("token", token)) };
        introspect.Headers.Authorization = IdentityFactory.BasicTokenRequest("his", "his-secret-0123456789", []).Headers.Authorization;
        var active = JsonDocument.Parse(await (await client.SendAsync(introspect)).Content.ReadAsStringAsync()).RootElement;
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal("system/Patient.rs", active.GetProperty("scope").GetString());

        var revoke = new HttpRequestMessage(HttpMethod.Post, "/auth/revoke") { Content = OAuthFlow.Form(("token", token)) };
        revoke.Headers.Authorization = introspect.Headers.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(revoke)).StatusCode);
        var read = await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-willem-bos", token));
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);

        var again = new HttpRequestMessage(HttpMethod.Post, "/auth/introspect") { Content = OAuthFlow.Form(("token", token)) };
        again.Headers.Authorization = introspect.Headers.Authorization;
        Assert.False(JsonDocument.Parse(await (await client.SendAsync(again)).Content.ReadAsStringAsync()).RootElement.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Discovery_And_Jwks_DescribeTheServer()
    {
        using var client = factory.Anonymous();
        var smart = JsonDocument.Parse(await client.GetStringAsync("/fhir/.well-known/smart-configuration")).RootElement;
        Assert.Equal("http://localhost/auth/token", smart.GetProperty("token_endpoint").GetString());
        Assert.Contains("S256", smart.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var oidc = JsonDocument.Parse(await client.GetStringAsync("/auth/.well-known/openid-configuration")).RootElement;
        Assert.Equal("http://localhost/auth", oidc.GetProperty("issuer").GetString());
        var jwks = JsonDocument.Parse(await client.GetStringAsync("/auth/jwks")).RootElement;
        Assert.Equal("RSA", jwks.GetProperty("keys")[0].GetProperty("kty").GetString());
        Assert.False(jwks.GetProperty("keys")[0].TryGetProperty("d", out _));
    }

    [Fact]
    public async Task KeyRotation_OldTokensStillValidate_NewTokensUseTheNewKey()
    {
        var before = await factory.SystemTokenAsync("system/Patient.rs");
        var rotated = factory.Get<SigningKeys>().Rotate();
        var after = await factory.SystemTokenAsync("system/Patient.rs");
        Assert.Equal(rotated.Kid, new JsonWebToken(after).Kid);
        using var client = factory.Anonymous();
        foreach (var token in new[] { before, after })
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(IdentityFactory.WithToken(HttpMethod.Get, "/fhir/Patient/patient-willem-bos", token))).StatusCode);
        var jwks = JsonDocument.Parse(await client.GetStringAsync("/auth/jwks")).RootElement;
        Assert.True(jwks.GetProperty("keys").GetArrayLength() >= 2);
    }
}
