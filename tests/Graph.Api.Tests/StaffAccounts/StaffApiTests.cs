using System.Net;
using System.Text.Json;
using Fhir.Server.Store;
using Graph.Api.Tests.Infrastructure;
using Graph.Api.Tests.Messaging;
using Identity.Accounts;
using Identity.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api.Tests.StaffAccounts;

/// <summary>The practice manager manages the practice's staff accounts through GraphQL; nobody else can, and only for their own practice.</summary>
public sealed class StaffApiTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Fields = "id name email mobile role roleDisplay employeeId status practitioner practitionerRole";
    private const string Create = $"mutation($input: NewStaffMemberInput!) {{ createStaffMember(input: $input) {{ {Fields} }} }}";

    private static object NewMember(string email, string employeeId, string role = "ASSISTENT", string given = "Noor", string family = "Smit", string mobile = "06 1234 5678") =>
        new { input = new { givenName = given, familyName = family, email, mobile, role, employeeId } };

    private async Task<JsonElement> CreateAsync(string email, string employeeId, string role = "ASSISTENT", string given = "Noor", string family = "Smit") =>
        (await host.GraphAsync(host.As(StaffPrincipals.Manager), Create, NewMember(email, employeeId, role, given, family))).Data("createStaffMember");

    private T Service<T>() where T : notnull => host.Services.GetRequiredService<T>();

    [Fact]
    public async Task StaffMembers_AsPracticeManager_ListsTheOwnPracticeOnly()
    {
        var other = await host.OtherPracticeManagerAsync();
        var list = (await host.GraphAsync(host.As(StaffPrincipals.Manager), $"{{ staffMembers {{ {Fields} }} }}")).Data("staffMembers").EnumerateArray().ToList();
        Assert.Contains(list, m => m.Str("email") == StaffPrincipals.Assistant && m.Str("role") == "ASSISTENT" && m.Str("employeeId") == "MW-1005"
            && m.Str("status") == "ACTIVE" && m.Str("practitioner") == "Practitioner/assistent-de-boer");
        Assert.Contains(list, m => m.Str("email") == StaffPrincipals.Manager && m.Str("role") == "PRAKTIJKMANAGER");
        Assert.DoesNotContain(list, m => m.Str("email") == "manager@praktijkdeeik.nl");
        Assert.All(list, m => Assert.Equal(PortalApiFactory.Organization, host.Services.GetRequiredService<AccountStore>().FindById(m.Str("id"))!.OrganizationId));

        var theirs = (await host.GraphAsync(other, "{ staffMembers { email } }")).Data("staffMembers").EnumerateArray().Select(m => m.Str("email")).ToList();
        Assert.Contains("manager@praktijkdeeik.nl", theirs);
        Assert.DoesNotContain(theirs, e => e.EndsWith("@praktijkdelinde.nl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StaffPrincipals.Assistant, "FORBIDDEN")]
    [InlineData(StaffPrincipals.Gp, "FORBIDDEN")]
    [InlineData("willem.bos@example.nl", "FORBIDDEN")]
    [InlineData(null, "UNAUTHENTICATED")]
    public async Task StaffAdministration_ByAnyoneButThePracticeManager_IsRefused(string? email, string code)
    {
        var user = email is null ? null : host.As(email);
        var list = await host.GraphAsync(user, "{ staffMembers { id } }");
        Assert.Equal(code, list.Error().Code());
        var address = $"geweigerd-{(email ?? "anoniem").Split('@')[0]}@praktijkdelinde.nl";
        var created = await host.GraphAsync(user, Create, NewMember(address, "MW-X1"));
        Assert.Equal(code, created.Error().Code());
        Assert.Null(Service<AccountStore>().FindByEmail(address));
        if (email is not null)
            Assert.Equal(IdentityMessages.OnlyPracticeManager, list.Error().Str("message"));
    }

    [Fact]
    public async Task TokenOfAManagerWhoseRoleWasTakenAway_NoLongerManages()
    {
        var member = await CreateAsync("tweede.manager@praktijkdelinde.nl", "MW-2101", "PRAKTIJKMANAGER", "Tom", "Tweede");
        var account = Service<AccountStore>().FindById(member.Str("id"))!;
        Service<AccountService>().ActivateWithPassword(account.Id, PortalLogin.Password);
        var staleClaims = StaffPrincipals.Principal(Service<AccountStore>().FindById(account.Id)!);
        Assert.False((await host.GraphAsync(staleClaims, "{ staffMembers { id } }")).TryGetProperty("errors", out _));

        await host.GraphAsync(host.As(StaffPrincipals.Manager), "mutation($id: ID!) { changeStaffRole(id: $id, role: ASSISTENT) { role } }", new { id = account.Id });
        Assert.Equal("FORBIDDEN", (await host.GraphAsync(staleClaims, "{ staffMembers { id } }")).Error().Code());
    }

    [Fact]
    public async Task CreateStaffMember_MakesPractitionerAndRole_AndSendsTheActivationEmail()
    {
        var member = await CreateAsync("noor.smit@praktijkdelinde.nl", "MW-2001");
        Assert.Equal("Noor Smit", member.Str("name"));
        Assert.Equal("06-12345678", member.Str("mobile"));
        Assert.Equal("ASSISTENT", member.Str("role"));
        Assert.Equal("Doktersassistent", member.Str("roleDisplay"));
        Assert.Equal("REGISTERED", member.Str("status"));

        var store = Service<IResourceStore>();
        var practitioner = await store.ReadAsync("Practitioner", member.Str("practitioner")["Practitioner/".Length..]);
        using (var doc = JsonDocument.Parse(practitioner!.Json!))
            Assert.True(AccountServiceIdentifier(doc.RootElement, KnownSystems.EmployeeId, "MW-2001"));
        var role = await store.ReadAsync("PractitionerRole", member.Str("practitionerRole")["PractitionerRole/".Length..]);
        using (var doc = JsonDocument.Parse(role!.Json!))
        {
            Assert.Equal(member.Str("practitioner"), doc.RootElement.GetProperty("practitioner").GetProperty("reference").GetString());
            Assert.Equal($"Organization/{PortalApiFactory.Organization}", doc.RootElement.GetProperty("organization").GetProperty("reference").GetString());
            Assert.Equal("assistent", doc.RootElement.GetProperty("code")[0].GetProperty("coding")[0].GetProperty("code").GetString());
        }

        var mail = host.LatestEmail("noor.smit@praktijkdelinde.nl")!;
        Assert.Contains("De praktijkmanager van Huisartsenpraktijk De Linde heeft een account voor u aangemaakt", mail);
        var accounts = Service<AccountService>();
        var opened = await accounts.OpenLinkAsync(StaffPrincipals.LinkToken(mail));
        Assert.True(opened.Ok, opened.Error);
    }

    [Fact]
    public async Task NewPracticeManager_AfterActivation_ReadsNoMedicalContent_ButManagesStaff()
    {
        var member = await CreateAsync("nieuwe.manager@praktijkdelinde.nl", "MW-2201", "PRAKTIJKMANAGER", "Mila", "Manager");
        var accounts = Service<AccountService>();
        var opened = await accounts.OpenLinkAsync(StaffPrincipals.LinkToken(host.LatestEmail("nieuwe.manager@praktijkdelinde.nl")!));
        var code = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Directory.GetFiles(Path.Combine(host.DataDirectory, "outbox"), "*-sms-06-12345678-*")
            .OrderBy(f => f, StringComparer.Ordinal).Last()), @"is (\d{6})\.").Groups[1].Value;
        Assert.True(accounts.VerifyCode(opened.ChallengeId, code).Ok);
        Assert.True(accounts.SetPassword(opened.ChallengeId, PortalLogin.Password, PortalLogin.Password).Ok);

        var token = await PortalLogin.TokenAsync(host, "nieuwe.manager@praktijkdelinde.nl", "06-12345678");
        using var client = host.CreateClient();
        foreach (var url in new[] { "/fhir/Patient/patient-willem-bos", "/fhir/Observation?patient=patient-pieter-van-den-berg", "/fhir/Patient" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(request)).StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/{member.Str("practitioner")}"))
        {
            request.Headers.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }
        var inbox = await host.HttpGraphAsync(token, "{ inbox { nodes { id topic } } }");
        Assert.Equal("FORBIDDEN", inbox.Error().Code());
        var staff = await host.HttpGraphAsync(token, "{ staffMembers { email } }");
        Assert.Contains(staff.Data("staffMembers").EnumerateArray(), m => m.Str("email") == "nieuwe.manager@praktijkdelinde.nl");
    }

    [Fact]
    public async Task SameEmployeeIdInAnotherPractice_IsTheSamePractitioner_AndAnotherPersonCannotTakeIt()
    {
        var other = await host.OtherPracticeManagerAsync();
        var linked = await host.GraphAsync(other, Create, NewMember("anna.devries@praktijkdeeik.nl", "MW-1001", "HUISARTS", "Anna", "de Vries"));
        Assert.Equal("Practitioner/huisarts-de-vries", linked.Data("createStaffMember").Str("practitioner"));
        Assert.NotEqual("PractitionerRole/rol-huisarts-de-vries", linked.Data("createStaffMember").Str("practitionerRole"));

        var taken = await host.GraphAsync(other, Create, NewMember("iemand.anders@praktijkdeeik.nl", "MW-1002", "HUISARTS", "Iemand", "Anders"));
        Assert.Equal("BAD_USER_INPUT", taken.Error().Code());
        Assert.Equal("employeeId", taken.Error().GetProperty("extensions").Str("field"));
        Assert.Equal(IdentityMessages.EmployeeIdOtherPerson, taken.Error().Str("message"));
    }

    [Theory]
    [InlineData("geen-adres", "MW-2301", "06-12345678", "ASSISTENT", "email", IdentityMessages.EmailInvalid)]
    [InlineData("goed@praktijkdelinde.nl", "MW-2302", "020-1234567", "ASSISTENT", "mobile", IdentityMessages.MobileInvalid)]
    [InlineData("goed@praktijkdelinde.nl", "MW 23 03!", "06-12345678", "ASSISTENT", "employeeId", IdentityMessages.EmployeeIdInvalid)]
    [InlineData(StaffPrincipals.Assistant, "MW-2304", "06-12345678", "ASSISTENT", "email", IdentityMessages.EmailInUse)]
    [InlineData("goed@praktijkdelinde.nl", "MW-1005", "06-12345678", "ASSISTENT", "employeeId", IdentityMessages.EmployeeIdInUseHere)]
    public async Task CreateStaffMember_WithBadInput_SaysWhichFieldInDutch(string email, string employeeId, string mobile, string role, string field, string message)
    {
        var response = await host.GraphAsync(host.As(StaffPrincipals.Manager), Create,
            new { input = new { givenName = "Goed", familyName = "Invoer", email, mobile, role, employeeId } });
        var error = response.Error();
        Assert.Equal("BAD_USER_INPUT", error.Code());
        Assert.Equal(field, error.GetProperty("extensions").Str("field"));
        Assert.Equal(message, error.Str("message"));
        Assert.True(error.TryGetProperty("locations", out _));
        Assert.Equal("createStaffMember", error.GetProperty("path")[0].GetString());
    }

    [Fact]
    public async Task ChangeRole_UpdatesThePractitionerRole_AndEndsTheMembersSessions()
    {
        var member = await CreateAsync("rolwissel@praktijkdelinde.nl", "MW-2401", "ASSISTENT", "Rik", "Rolwissel");
        var id = member.Str("id");
        Service<AccountService>().ActivateWithPassword(id, PortalLogin.Password);
        var signedIn = DateTimeOffset.UtcNow.AddSeconds(-2);
        Assert.False(Service<Revocations>().IsSessionEnded(id, signedIn));

        var changed = await host.GraphAsync(host.As(StaffPrincipals.Manager), "mutation($id: ID!) { changeStaffRole(id: $id, role: POH) { role roleDisplay practitionerRole } }", new { id });
        Assert.Equal("POH", changed.Data("changeStaffRole").Str("role"));
        Assert.Equal("Praktijkondersteuner", changed.Data("changeStaffRole").Str("roleDisplay"));
        Assert.True(Service<Revocations>().IsSessionEnded(id, signedIn));
        var role = await Service<IResourceStore>().ReadAsync("PractitionerRole", changed.Data("changeStaffRole").Str("practitionerRole")["PractitionerRole/".Length..]);
        using var doc = JsonDocument.Parse(role!.Json!);
        Assert.Equal("poh", doc.RootElement.GetProperty("code")[0].GetProperty("coding")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Disable_StopsLoginAndSessions_Enable_RestoresIt_ButNotForOneself()
    {
        var member = await CreateAsync("uitschakelen@praktijkdelinde.nl", "MW-2501", "ASSISTENT", "Uma", "Uit");
        var id = member.Str("id");
        var accounts = Service<AccountService>();
        accounts.ActivateWithPassword(id, PortalLogin.Password);
        var manager = host.As(StaffPrincipals.Manager);
        const string Set = "mutation($id: ID!, $on: Boolean!) { setStaffMemberEnabled(id: $id, enabled: $on) { status practitionerRole } }";

        var disabled = await host.GraphAsync(manager, Set, new { id, on = false });
        Assert.Equal("DISABLED", disabled.Data("setStaffMemberEnabled").Str("status"));
        Assert.Equal(IdentityMessages.Disabled, (await accounts.PasswordStepAsync("uitschakelen@praktijkdelinde.nl", PortalLogin.Password)).Error);
        Assert.True(Service<Revocations>().IsSessionEnded(id, DateTimeOffset.UtcNow));
        var role = await Service<IResourceStore>().ReadAsync("PractitionerRole", disabled.Data("setStaffMemberEnabled").Str("practitionerRole")["PractitionerRole/".Length..]);
        using (var doc = JsonDocument.Parse(role!.Json!))
            Assert.False(doc.RootElement.GetProperty("active").GetBoolean());

        var enabled = await host.GraphAsync(manager, Set, new { id, on = true });
        Assert.Equal("ACTIVE", enabled.Data("setStaffMemberEnabled").Str("status"));
        Assert.True((await accounts.PasswordStepAsync("uitschakelen@praktijkdelinde.nl", PortalLogin.Password)).Ok);

        var self = await host.GraphAsync(manager, Set, new { id = host.Account(StaffPrincipals.Manager).Id, on = false });
        Assert.Equal("FORBIDDEN", self.Error().Code());
        Assert.Equal(IdentityMessages.NotYourOwnAccount, self.Error().Str("message"));
    }

    [Fact]
    public async Task ResendActivation_SendsANewLink_AndTheOldOneStopsWorking()
    {
        var member = await CreateAsync("opnieuw@praktijkdelinde.nl", "MW-2601", "POH", "Olaf", "Opnieuw");
        var first = StaffPrincipals.LinkToken(host.LatestEmail("opnieuw@praktijkdelinde.nl")!);
        await Task.Delay(5);
        var resent = await host.GraphAsync(host.As(StaffPrincipals.Manager), "mutation($id: ID!) { resendStaffActivation(id: $id) { status } }", new { id = member.Str("id") });
        Assert.Equal("REGISTERED", resent.Data("resendStaffActivation").Str("status"));
        Assert.Equal(2, host.EmailCount("opnieuw@praktijkdelinde.nl"));
        var second = StaffPrincipals.LinkToken(host.LatestEmail("opnieuw@praktijkdelinde.nl")!);
        Assert.NotEqual(first, second);
        var accounts = Service<AccountService>();
        Assert.Equal(IdentityMessages.LinkInvalid, (await accounts.OpenLinkAsync(first)).Error);
        Assert.True((await accounts.OpenLinkAsync(second)).Ok);

        var active = await host.GraphAsync(host.As(StaffPrincipals.Manager), "mutation($id: ID!) { resendStaffActivation(id: $id) { status } }",
            new { id = host.Account(StaffPrincipals.Assistant).Id });
        Assert.Equal(IdentityMessages.AlreadyActivated, active.Error().Str("message"));
    }

    [Fact]
    public async Task ManagerOfAnotherPractice_CannotSeeOrChangeOurStaff()
    {
        var other = await host.OtherPracticeManagerAsync();
        var ours = host.Account(StaffPrincipals.Assistant).Id;
        Assert.Equal(JsonValueKind.Null, (await host.GraphAsync(other, "query($id: ID!) { staffMember(id: $id) { id } }", new { id = ours })).Data("staffMember").ValueKind);
        var change = await host.GraphAsync(other, "mutation($id: ID!) { changeStaffRole(id: $id, role: HUISARTS) { role } }", new { id = ours });
        Assert.Equal("NOT_FOUND", change.Error().Code());
        var disable = await host.GraphAsync(other, "mutation($id: ID!) { setStaffMemberEnabled(id: $id, enabled: false) { status } }", new { id = ours });
        Assert.Equal("NOT_FOUND", disable.Error().Code());
        Assert.Equal("assistent", host.Account(StaffPrincipals.Assistant).StaffRole);
        Assert.True(host.Account(StaffPrincipals.Assistant).IsActive);
    }

    private static bool AccountServiceIdentifier(JsonElement resource, string system, string value) =>
        resource.GetProperty("identifier").EnumerateArray().Any(i => i.GetProperty("system").GetString() == system && i.GetProperty("value").GetString() == value);
}
