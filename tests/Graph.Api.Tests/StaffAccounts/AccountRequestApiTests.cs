using System.Text.Json;
using Fhir.Server.Store;
using Graph.Api.Tests.Infrastructure;
using Graph.Api.Tests.Messaging;
using Identity.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api.Tests.StaffAccounts;

/// <summary>Self sign-up: anyone asks, without login and without learning who is a patient; the practice's staff approve or reject.</summary>
public sealed class AccountRequestApiTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Request = "mutation($input: AccountRequestInput!) { requestAccount(input: $input) { message } }";
    private const string List = "{ accountRequests { id givenName familyName birthDate bsn email mobile status receivedAt match { patientId name birthDate hasAccount } } }";
    private const string SophieBsn = "131860914";
    private const string UnknownBsn = "111222333";

    private T Service<T>() where T : notnull => host.Services.GetRequiredService<T>();

    private async Task<string> BirthDateAsync(string patientId)
    {
        var patient = await Service<IResourceStore>().ReadAsync("Patient", patientId);
        using var doc = JsonDocument.Parse(patient!.Json!);
        return doc.RootElement.GetProperty("birthDate").GetString()!;
    }

    private static object Input(string bsn, string birthDate, string email, string given = "Sophie", string family = "de Jong") =>
        new { input = new { givenName = given, familyName = family, birthDate, bsn, email, mobile = "+31 6 2000 0009" } };

    private async Task<JsonElement> FindAsync(string email, string as_ = StaffPrincipals.Assistant) =>
        (await host.GraphAsync(host.As(as_), List)).Data("accountRequests").EnumerateArray().Single(r => r.Str("email") == email);

    [Fact]
    public async Task RequestAccount_WithoutLogin_AnswersTheSame_ForAPatientAndForAnUnknownBsn()
    {
        var known = await host.HttpGraphAsync(null, Request, Input(SophieBsn, await BirthDateAsync("patient-sophie-de-jong"), "sophie.aanvraag@example.nl"));
        var unknown = await host.HttpGraphAsync(null, Request, Input(UnknownBsn, "1970-01-01", "niemand.aanvraag@example.nl", "Niemand", "Bekend"));
        Assert.Equal(IdentityMessages.SignupReceived, known.Data("requestAccount").Str("message"));
        Assert.Equal(known.ToString(), unknown.ToString());
        Assert.Null(host.LatestEmail("sophie.aanvraag@example.nl"));
    }

    [Theory]
    [InlineData("123456789", "2010-01-01", "a@example.nl", "bsn", IdentityMessages.BsnInvalid)]
    [InlineData(UnknownBsn, "2010-13-01", "a@example.nl", "birthDate", IdentityMessages.BirthDateInvalid)]
    [InlineData(UnknownBsn, "2999-01-01", "a@example.nl", "birthDate", IdentityMessages.BirthDateInvalid)]
    [InlineData(UnknownBsn, "2010-01-01", "geen-adres", "email", IdentityMessages.EmailInvalid)]
    public async Task RequestAccount_WithBadInput_SaysWhichFieldInDutch(string bsn, string birthDate, string email, string field, string message)
    {
        var error = (await host.GraphAsync(null, Request, Input(bsn, birthDate, email))).Error();
        Assert.Equal("BAD_USER_INPUT", error.Code());
        Assert.Equal(field, error.GetProperty("extensions").Str("field"));
        Assert.Equal(message, error.Str("message"));
    }

    [Fact]
    public async Task Assistant_SeesTheMatch_AndApproving_RegistersTheAccount_AndSendsTheActivationEmail()
    {
        var birthDate = await BirthDateAsync("patient-sophie-de-jong");
        await host.GraphAsync(null, Request, Input(SophieBsn, birthDate, "sophie.goedgekeurd@example.nl"));
        var request = await FindAsync("sophie.goedgekeurd@example.nl");
        Assert.Equal("PENDING", request.Str("status"));
        Assert.Equal("06-20000009", request.Str("mobile"));
        var match = request.GetProperty("match");
        Assert.Equal("patient-sophie-de-jong", match.Str("patientId"));
        Assert.Equal("Sophie de Jong", match.Str("name"));
        Assert.False(match.GetProperty("hasAccount").GetBoolean());

        var approved = await host.GraphAsync(host.As(StaffPrincipals.Assistant), "mutation($id: ID!) { approveAccountRequest(id: $id) { status } }", new { id = request.Str("id") });
        Assert.Equal("APPROVED", approved.Data("approveAccountRequest").Str("status"));
        var account = Service<AccountStore>().FindByPatient("patient-sophie-de-jong")!;
        Assert.Equal("sophie.goedgekeurd@example.nl", account.Email);
        Assert.Equal("registered", account.Status);
        Assert.Contains("Klik op de link hieronder om uw account te activeren", host.LatestEmail("sophie.goedgekeurd@example.nl"));
        Assert.DoesNotContain((await host.GraphAsync(host.As(StaffPrincipals.Assistant), List)).Data("accountRequests").EnumerateArray(),
            r => r.Str("id") == request.Str("id"));

        var again = await host.GraphAsync(host.As(StaffPrincipals.Manager), "mutation($id: ID!) { approveAccountRequest(id: $id) { status } }", new { id = request.Str("id") });
        Assert.Equal("NOT_FOUND", again.Error().Code());
    }

    [Fact]
    public async Task Approving_WhenBirthDateDoesNotMatch_OrThePatientHasAnAccount_IsRefused()
    {
        await host.GraphAsync(null, Request, Input("518190936", "1990-01-16", "fatima.verkeerd@example.nl", "Fatima", "El Amrani"));
        var wrongDate = await FindAsync("fatima.verkeerd@example.nl");
        Assert.Equal(JsonValueKind.Null, wrongDate.GetProperty("match").ValueKind);
        var refused = await host.GraphAsync(host.As(StaffPrincipals.Assistant), "mutation($id: ID!, $p: ID) { approveAccountRequest(id: $id, patientId: $p) { status } }",
            new { id = wrongDate.Str("id"), p = "patient-fatima-el-amrani" });
        Assert.Equal(IdentityMessages.PatientDoesNotMatch, refused.Error().Str("message"));

        await host.GraphAsync(null, Request, Input("518190936", "1990-01-15", "fatima.tweede@example.nl", "Fatima", "El Amrani"));
        var existing = await FindAsync("fatima.tweede@example.nl");
        Assert.True(existing.GetProperty("match").GetProperty("hasAccount").GetBoolean());
        var twice = await host.GraphAsync(host.As(StaffPrincipals.Assistant), "mutation($id: ID!) { approveAccountRequest(id: $id) { status } }", new { id = existing.Str("id") });
        Assert.Equal(IdentityMessages.PatientHasAccount, twice.Error().Str("message"));
    }

    [Fact]
    public async Task Rejecting_SendsAShortDutchEmail_WithoutTheReasonOrAnythingFromTheRecord()
    {
        await host.GraphAsync(null, Request, Input("948219932", "1952-09-30", "pieter.afgewezen@example.nl", "Pieter", "van den Berg"));
        var request = await FindAsync("pieter.afgewezen@example.nl", StaffPrincipals.Manager);
        Assert.Equal("patient-pieter-van-den-berg", request.GetProperty("match").Str("patientId"));
        var rejected = await host.GraphAsync(host.As(StaffPrincipals.Manager), "mutation($id: ID!, $r: String) { rejectAccountRequest(id: $id, reason: $r) { status } }",
            new { id = request.Str("id"), r = "Heeft al een account; diabetescontrole besproken" });
        Assert.Equal("REJECTED", rejected.Data("rejectAccountRequest").Str("status"));

        var mail = host.LatestEmail("pieter.afgewezen@example.nl")!;
        Assert.Contains(IdentityMessages.SignupRejectedMailBody("Pieter van den Berg", "Huisartsenpraktijk De Linde"), mail);
        foreach (var secret in new[] { "diabetes", "account", "948219932", "1952", "patient-" })
            Assert.DoesNotContain(secret, mail, StringComparison.OrdinalIgnoreCase);
        Assert.Null(Service<AccountStore>().FindByEmail("pieter.afgewezen@example.nl"));
    }

    [Theory]
    [InlineData(StaffPrincipals.Gp, "FORBIDDEN")]
    [InlineData("willem.bos@example.nl", "FORBIDDEN")]
    [InlineData(null, "UNAUTHENTICATED")]
    public async Task AccountRequests_ForAnyoneButAssistantOrManager_AreRefused(string? email, string code)
    {
        var user = email is null ? null : host.As(email);
        Assert.Equal(code, (await host.GraphAsync(user, List)).Error().Code());
        Assert.Equal(code, (await host.GraphAsync(user, "mutation { rejectAccountRequest(id: \"x\") { status } }")).Error().Code());
    }

    [Fact]
    public async Task AnotherPractice_DoesNotSeeRequestsRoutedToOurPatients()
    {
        var other = await host.OtherPracticeManagerAsync();
        await host.GraphAsync(null, Request, Input("786579754", "1975-06-01", "willem.anderepraktijk@example.nl", "Willem", "Bos"));
        var birthDate = await BirthDateAsync("patient-willem-bos");
        await host.GraphAsync(null, Request, Input("786579754", birthDate, "willem.onzepraktijk@example.nl", "Willem", "Bos"));
        var theirs = (await host.GraphAsync(other, List)).Data("accountRequests").EnumerateArray().Select(r => r.Str("email")).ToList();
        Assert.DoesNotContain("willem.onzepraktijk@example.nl", theirs);
        Assert.Contains("willem.onzepraktijk@example.nl", (await host.GraphAsync(host.As(StaffPrincipals.Assistant), List)).Data("accountRequests").EnumerateArray().Select(r => r.Str("email")));
        var id = (await FindAsync("willem.onzepraktijk@example.nl")).Str("id");
        Assert.Equal("NOT_FOUND", (await host.GraphAsync(other, "mutation($id: ID!) { rejectAccountRequest(id: $id) { status } }", new { id })).Error().Code());
    }
}
