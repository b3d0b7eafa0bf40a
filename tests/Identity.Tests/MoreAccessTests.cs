using System.Net;
using System.Text;
using System.Text.Json;
using Identity.Accounts;
using Microsoft.AspNetCore.Hosting;

namespace Identity.Tests;

public class StaffAccessTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private async Task<string> StaffToken(string email, string phone) =>
        (await OAuthFlow.TokenThroughAppAsync(factory, "staff-app", "openid fhirUser user/*.cruds", "openid fhirUser user/*.cruds", email, phone))
            .GetProperty("access_token").GetString()!;

    private async Task<HttpStatusCode> Send(HttpMethod method, string url, string token, string? body = null)
    {
        using var client = factory.Anonymous();
        return (await client.SendAsync(IdentityFactory.WithToken(method, url, token,
            body is null ? null : new StringContent(body, Encoding.UTF8, "application/fhir+json")))).StatusCode;
    }

    [Fact]
    public async Task Huisarts_SeesPatientsOfTheOwnPractice_NotThoseOfAnotherPractice()
    {
        var system = await factory.SystemTokenAsync();
        Assert.Equal(HttpStatusCode.Created, await Send(HttpMethod.Put, "/fhir/Patient/patient-elders", system,
            """{"resourceType":"Patient","id":"patient-elders","name":[{"family":"Elders"}],"managingOrganization":{"reference":"Organization/andere-praktijk"}}"""));
        var gp = await StaffToken("anna.devries@praktijkdelinde.nl", "06-10000011");
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/fhir/Patient/patient-pieter-van-den-berg", gp));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/fhir/Observation/lab-pieter-hba1c-2", gp));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(HttpMethod.Get, "/fhir/Patient/patient-elders", gp));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(HttpMethod.Post, "/fhir/Observation", gp,
            """{"resourceType":"Observation","status":"final","code":{"text":"RR"},"subject":{"reference":"Patient/patient-elders"}}"""));
        Assert.Equal(HttpStatusCode.Created, await Send(HttpMethod.Put, "/fhir/Observation/rr-pieter", gp,
            """{"resourceType":"Observation","id":"rr-pieter","status":"final","code":{"text":"RR"},"subject":{"reference":"Patient/patient-pieter-van-den-berg"}}"""));
        using var client = factory.Anonymous();
        var move = IdentityFactory.WithToken(HttpMethod.Patch, "/fhir/Observation/rr-pieter", gp,
            new StringContent("""[{"op":"replace","path":"/subject/reference","value":"Patient/patient-elders"}]""", Encoding.UTF8, "application/json-patch+json"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(move)).StatusCode);
        var fine = IdentityFactory.WithToken(HttpMethod.Patch, "/fhir/Observation/rr-pieter", gp,
            new StringContent("""[{"op":"replace","path":"/status","value":"amended"}]""", Encoding.UTF8, "application/json-patch+json"));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(fine)).StatusCode);
    }

    [Fact]
    public async Task Bundles_AndConditionalWrites_AreForSystemClientsOnly()
    {
        var gp = await StaffToken("bram.jansen@praktijkdelinde.nl", "06-10000012");
        Assert.Equal(HttpStatusCode.Forbidden, await Send(HttpMethod.Post, "/fhir", gp, """{"resourceType":"Bundle","type":"batch","entry":[]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(HttpMethod.Delete, "/fhir/Observation?code=x", gp));
    }
}

/// <summary>The same host with a login limit of 3 posts per minute per address.</summary>
public sealed class RateLimitedFactory : IdentityFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Identity:RateLimit:LoginPerMinute", "3");
        builder.UseSetting("Identity:RateLimit:TokenPerMinute", "3");
        builder.UseSetting("Identity:RateLimit:SignupPerHour", "3");
    }
}

public class RateLimitTests(RateLimitedFactory factory) : IClassFixture<RateLimitedFactory>
{
    [Fact]
    public async Task LoginAndTokenEndpoints_AnswerTooManyRequests_PastTheLimit()
    {
        using var client = factory.Anonymous();
        var login = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            login.Add((await client.PostAsync("/auth/login", OAuthFlow.Form(("authorization", "x"), ("email", "a@b.nl"), ("password", "p")))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, login[3]);
        var token = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            token.Add((await client.PostAsync("/auth/token", OAuthFlow.Form(("grant_type", "client_credentials")))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, token[3]);
    }

    [Fact]
    public async Task AccountRequests_PastTheLimitPerAddress_AreRefused_OtherAddressesStillServed()
    {
        var signups = factory.Get<SignupRequests>();
        SignupInput Person(int i) => new("Test", "Persoon", "1980-01-01", "111222333", $"persoon{i}@example.nl", "06-40000000");
        for (var i = 0; i < 3; i++)
            Assert.Equal(IdentityMessages.SignupReceived, await signups.SubmitAsync(Person(i), "203.0.113.7"));
        var refused = await Assert.ThrowsAsync<AccountRequestException>(() => signups.SubmitAsync(Person(3), "203.0.113.7"));
        Assert.Equal(AccountRequestException.TooManyCode, refused.Code);
        Assert.Equal(IdentityMessages.TooManyRequests, refused.Message);
        Assert.Equal(IdentityMessages.SignupReceived, await signups.SubmitAsync(Person(4), "203.0.113.8"));
    }

    [Fact]
    public async Task AccountRequests_ForOneBsn_PastTheDailyLimit_GetTheSameAnswer_ButAreNotStored()
    {
        var signups = factory.Get<SignupRequests>();
        for (var i = 0; i < SignupRequests.MaxPerBsnPerDay + 2; i++)
        {
            var answer = await signups.SubmitAsync(new SignupInput("Veel", "Aanvragen", "1980-01-01", "908301662", $"veel{i}@example.nl", "06-40000001"), $"198.51.100.{i}");
            Assert.Equal(IdentityMessages.SignupReceived, answer);
        }
        var stored = factory.Get<Identity.Storage.IdentityDb>().Query("SELECT COUNT(*) FROM identity_signup_request WHERE bsn = '908301662'", r => r.GetInt64(0)).Single();
        Assert.Equal(SignupRequests.MaxPerBsnPerDay, stored);
    }
}

public class SignupRetentionTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    [Fact]
    public async Task DecidedRequests_OlderThanTheRetention_AreDeleted_PendingOnesStay()
    {
        var db = factory.Get<Identity.Storage.IdentityDb>();
        var old = Identity.Storage.IdentityDb.Time(DateTimeOffset.UtcNow - SignupRequests.KeepDecidedFor - TimeSpan.FromDays(1));
        foreach (var (id, status, decided) in new[] { ("oud-besloten", "rejected", old), ("oud-open", "pending", (string?)null) })
        {
            db.Execute("""
                INSERT INTO identity_signup_request (id, given_name, family_name, birth_date, bsn, email, phone, status, decided_utc, created_utc)
                VALUES (@id, 'Oud', 'Verzoek', '1980-01-01', '111222333', 'oud@example.nl', '06-40000002', @s, @d, @c)
                """, ("@id", id), ("@s", status), ("@d", decided), ("@c", old));
        }
        await factory.Get<SignupRequests>().SubmitAsync(new SignupInput("Nieuw", "Verzoek", "1980-01-01", "111222333", "nieuw@example.nl", "06-40000003"), "192.0.2.1");
        var left = db.Query("SELECT id FROM identity_signup_request", r => r.GetString(0));
        Assert.DoesNotContain("oud-besloten", left);
        Assert.Contains("oud-open", left);
    }
}
