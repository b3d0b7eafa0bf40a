using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

/// <summary>Self sign-up (seed 004), the practice's handling of requests, and the practice manager's staff pages.</summary>
[Collection(PortalCollection.Name)]
public sealed partial class AccountsTests(PortalFixture portal)
{
    private const string Assistant = "sanne.deboer@praktijkdelinde.nl";
    private const string AssistantPhone = "06-10000015";
    private const string Manager = "manager@praktijkdelinde.nl";
    private const string ManagerPhone = "06-10000020";

    [Fact]
    public async Task SelfSignup_ApprovedByAssistant_PersonActivatesWithSmsCodeAndLogsIn()
    {
        const string email = "noor.hendriks@example.nl";
        const string phone = "06-20003001";
        var bsn = await NewPatientAsync("Noor", "Hendriks", "1991-03-05");

        var visitor = await portal.NewPageAsync(phone: true);
        await visitor.GotoAsync("/inloggen");
        await visitor.GetByRole(AriaRole.Link, new() { Name = "Account aanvragen" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Account aanvragen");
        await visitor.GetByLabel("Voornaam").FillAsync("Noor");
        await visitor.GetByLabel("Achternaam").FillAsync("Hendriks");
        await visitor.GetByLabel("Geboortedatum").FillAsync("1991-03-05");
        await visitor.GetByLabel("Burgerservicenummer (BSN)").FillAsync(bsn);
        await visitor.GetByLabel("E-mailadres").FillAsync(email);
        await visitor.GetByLabel("Mobiel telefoonnummer").FillAsync("06 2000 3001");
        await visitor.ShotAsync("aanmelden-1-formulier");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Account aanvragen" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Status)).ToHaveTextAsync("Bedankt voor uw aanmelding. De praktijk controleert uw gegevens. U ontvangt een e-mail zodra uw account klaarstaat.");
        await visitor.ShotAsync("aanmelden-2-bevestiging");

        var assistant = await portal.NewPageAsync();
        await assistant.LoginAsync(portal.Host, Assistant, AssistantPhone);
        await assistant.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Aanvragen" }).ClickAsync();
        var request = assistant.GetByRole(AriaRole.Region, new() { Name = "Noor Hendriks" });
        await Expect(request).ToContainTextAsync(bsn);
        await Expect(request.GetByText("Patiënt in de praktijk")).ToBeVisibleAsync();
        await Expect(request).Not.ToContainTextAsync("Geen patiënt gevonden");
        await assistant.ShotAsync("aanmelden-3-aanvraag-bij-assistent");
        await request.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Goedkeuren") }).ClickAsync();
        await Expect(assistant.GetByRole(AriaRole.Status)).ToContainTextAsync("De aanvraag van Noor Hendriks is goedgekeurd.");
        await Expect(assistant.GetByRole(AriaRole.Region, new() { Name = "Noor Hendriks" })).ToHaveCountAsync(0);
        await assistant.ShotAsync("aanmelden-4-goedgekeurd");

        var person = await portal.NewPageAsync(phone: true);
        await ActivateAsync(person, email, phone, "aanmelden-5");
        await person.LoginAsync(portal.Host, email, phone);
        await Expect(person.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Noor");
        await person.ShotAsync("aanmelden-7-ingelogd");
    }

    [Fact]
    public async Task Signup_ForNoPatientOfThePractice_IsRejected_TheApplicantGetsAMailWithoutTheReason()
    {
        const string email = "onbekend.persoon@example.nl";
        var bsn = NewBsn();
        var visitor = await portal.NewPageAsync(phone: true);
        await visitor.GotoAsync("/aanmelden");
        await visitor.GetByLabel("Voornaam").FillAsync("Onbekend");
        await visitor.GetByLabel("Achternaam").FillAsync("Persoon");
        await visitor.GetByLabel("Geboortedatum").FillAsync("1975-11-20");
        await visitor.GetByLabel("Burgerservicenummer (BSN)").FillAsync(bsn);
        await visitor.GetByLabel("E-mailadres").FillAsync(email);
        await visitor.GetByLabel("Mobiel telefoonnummer").FillAsync("0620003003");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Account aanvragen" }).ClickAsync();
        // The same answer as for a known patient: the page reveals nothing about who is a patient here.
        await Expect(visitor.GetByRole(AriaRole.Status)).ToHaveTextAsync("Bedankt voor uw aanmelding. De praktijk controleert uw gegevens. U ontvangt een e-mail zodra uw account klaarstaat.");

        var manager = await portal.NewPageAsync();
        await manager.LoginAsync(portal.Host, Manager, ManagerPhone);
        await manager.GetByRole(AriaRole.Link, new() { Name = "Aanvragen voor een account" }).ClickAsync();
        var request = manager.GetByRole(AriaRole.Region, new() { Name = "Onbekend Persoon" });
        await Expect(request).ToContainTextAsync("Geen patiënt gevonden");
        await Expect(request.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Goedkeuren") })).ToHaveCountAsync(0);
        await request.GetByLabel("Reden bij afwijzen").FillAsync("Niet ingeschreven in onze praktijk");
        await manager.ShotAsync("aanvraag-afwijzen");
        await request.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Afwijzen") }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("De aanvraag van Onbekend Persoon is afgewezen.");
        await Expect(manager.GetByRole(AriaRole.Region, new() { Name = "Onbekend Persoon" })).ToHaveCountAsync(0);

        var mail = portal.Host.OutboxFiles($"email-{email}").LastOrDefault();
        Assert.NotNull(mail);
        var text = await File.ReadAllTextAsync(mail.FullName);
        Assert.DoesNotContain("ingeschreven", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Signup_WithAnInvalidBsn_ShowsTheDutchErrorNextToTheField()
    {
        var page = await portal.NewPageAsync(phone: true);
        await page.GotoAsync("/aanmelden");
        await page.GetByLabel("Voornaam").FillAsync("Test");
        await page.GetByLabel("Achternaam").FillAsync("Persoon");
        await page.GetByLabel("Geboortedatum").FillAsync("1980-01-01");
        await page.GetByLabel("Burgerservicenummer (BSN)").FillAsync("123456789");
        await page.GetByLabel("E-mailadres").FillAsync("test.persoon@example.nl");
        await page.GetByLabel("Mobiel telefoonnummer").FillAsync("0612345678");
        await page.GetByRole(AriaRole.Button, new() { Name = "Account aanvragen" }).ClickAsync();

        await Expect(page.Locator("#bsn-fout")).ToHaveTextAsync("Fout: Dit BSN is niet geldig. Controleer de 9 cijfers.");
        var bsn = page.GetByLabel("Burgerservicenummer (BSN)");
        await Expect(bsn).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(bsn).ToHaveAttributeAsync("aria-describedby", "bsn-fout");
        await Expect(bsn).ToHaveValueAsync("123456789");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        await page.ShotAsync("aanmelden-bsn-fout");

        await bsn.FillAsync("111222333");
        await page.GetByLabel("Mobiel telefoonnummer").FillAsync("0201234567");
        await page.GetByRole(AriaRole.Button, new() { Name = "Account aanvragen" }).ClickAsync();
        await Expect(page.Locator("#mobiel-fout")).ToHaveTextAsync("Fout: Vul een geldig mobiel nummer in, bijvoorbeeld 06-12345678.");
        await Expect(page.Locator("#bsn-fout")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task PracticeManager_CreatesAStaffMember_DisablesThem_AndIsRefusedMedicalPages()
    {
        const string email = "jet.vermeulen@praktijkdelinde.nl";
        const string phone = "06-20003002";
        var manager = await portal.NewPageAsync();
        await manager.LoginAsync(portal.Host, Manager, ManagerPhone);
        var menu = manager.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" });
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "E-consulten" })).ToHaveCountAsync(0);
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Berichten" })).ToHaveCountAsync(0);
        await menu.GetByRole(AriaRole.Link, new() { Name = "Medewerkers" }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Row).Filter(new() { HasText = "MW-1005" })).ToContainTextAsync("Doktersassistent");
        await manager.ShotAsync("medewerkers-1-lijst");

        await manager.GetByRole(AriaRole.Link, new() { Name = "Nieuwe medewerker" }).ClickAsync();
        await manager.GetByLabel("Rol").SelectOptionAsync(new SelectOptionValue { Label = "Doktersassistent" });
        await manager.GetByLabel("Medewerkers-ID").FillAsync("MW-3002");
        await manager.GetByLabel("Voornaam").FillAsync("Jet");
        await manager.GetByLabel("Achternaam").FillAsync("Vermeulen");
        await manager.GetByLabel("E-mailadres").FillAsync(email);
        await manager.GetByLabel("Mobiel telefoonnummer").FillAsync("0612");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Medewerker aanmaken" }).ClickAsync();
        await Expect(manager.Locator("#mobiel-fout")).ToHaveTextAsync("Fout: Vul een geldig mobiel nummer in, bijvoorbeeld 06-12345678.");
        await Expect(manager.GetByLabel("Mobiel telefoonnummer")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(manager.GetByLabel("Voornaam")).ToHaveValueAsync("Jet");
        await manager.ShotAsync("medewerkers-2-veldfout");
        await manager.GetByLabel("Mobiel telefoonnummer").FillAsync(phone);
        await manager.GetByRole(AriaRole.Button, new() { Name = "Medewerker aanmaken" }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("De medewerker is aangemaakt.");
        var row = manager.GetByRole(AriaRole.Row).Filter(new() { HasText = "Jet Vermeulen" });
        await Expect(row).ToContainTextAsync("MW-3002");
        await Expect(row).ToContainTextAsync("Nog niet geactiveerd");
        await manager.ShotAsync("medewerkers-3-aangemaakt");

        var member = await portal.NewPageAsync(phone: true);
        await ActivateAsync(member, email, phone, "medewerkers-4");
        await member.LoginAsync(portal.Host, email, phone);
        await member.GotoAsync("/praktijk/berichten");
        await Expect(member.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToHaveTextAsync("Geen toegang");

        await manager.GotoAsync("/praktijk/medewerkers");
        await row.GetByRole(AriaRole.Link, new() { Name = "Jet Vermeulen" }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Jet Vermeulen");
        await manager.GetByLabel("Nieuwe rol").SelectOptionAsync(new SelectOptionValue { Label = "Praktijkondersteuner" });
        await manager.GetByRole(AriaRole.Button, new() { Name = "Rol opslaan" }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("De rol is gewijzigd.");
        await Expect(manager.GetByText("Praktijkondersteuner", new() { Exact = true }).First).ToBeVisibleAsync();
        await member.GotoAsync("/praktijk/berichten");
        await Expect(member).ToHaveURLAsync(new Regex("/inloggen\\?terug="));
        await member.LoginAsync(portal.Host, email, phone);

        await manager.GetByRole(AriaRole.Button, new() { Name = "Account uitschakelen" }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Het account is uitgeschakeld.");
        await Expect(manager.GetByText("Uitgeschakeld", new() { Exact = true })).ToBeVisibleAsync();
        await manager.ShotAsync("medewerkers-5-uitgeschakeld");

        await member.GotoAsync("/praktijk/berichten");
        await Expect(member).ToHaveURLAsync(new Regex("/inloggen\\?terug="));
        await member.GetByLabel("E-mailadres").FillAsync(email);
        await member.GetByLabel("Wachtwoord").FillAsync(PortalHost.Password);
        await member.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await Expect(member.Locator("#password-fout")).ToBeVisibleAsync();

        await manager.GotoAsync("/praktijk/berichten");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
        await manager.GotoAsync("/berichten");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
        await manager.ShotAsync("medewerkers-6-geen-medische-pagina");
    }

    [Fact]
    public async Task AssistantAndPatient_AreRefusedTheStaffPages()
    {
        var assistant = await portal.NewPageAsync();
        await assistant.LoginAsync(portal.Host, Assistant, AssistantPhone);
        await Expect(assistant.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Medewerkers" })).ToHaveCountAsync(0);
        await assistant.GotoAsync("/praktijk/medewerkers");
        await Expect(assistant.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");

        var patient = await portal.NewPageAsync();
        await patient.LoginAsync(portal.Host, "willem.bos@example.nl", "06-10000005");
        await patient.GotoAsync("/praktijk/aanvragen");
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
    }

    [Fact]
    public async Task AccountPages_AtPhoneWidth_HaveLandmarksLabelsAndOneHeading_AndTheSignupFormWorksByKeyboard()
    {
        var visitor = await portal.NewPageAsync(phone: true);
        await visitor.GotoAsync("/aanmelden");
        Assert.Empty(await visitor.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await visitor.GetByLabel("Voornaam").FocusAsync();
        await visitor.Keyboard.TypeAsync("Kees");
        await visitor.Keyboard.PressAsync("Tab");
        await visitor.Keyboard.TypeAsync("Smit");
        await visitor.Keyboard.PressAsync("Enter");
        await Expect(visitor.Locator("#geboortedatum-fout")).ToHaveTextAsync("Fout: Vul een geldige geboortedatum in.");
        await Expect(visitor.GetByLabel("Achternaam")).ToHaveValueAsync("Smit");
        Assert.Empty(await visitor.EvaluateAsync<string[]>(AccessibilityTests.Check));

        var assistant = await portal.NewPageAsync(phone: true);
        await assistant.LoginAsync(portal.Host, Assistant, AssistantPhone);
        await assistant.GotoAsync("/praktijk/aanvragen");
        Assert.Empty(await assistant.EvaluateAsync<string[]>(AccessibilityTests.Check));

        var manager = await portal.NewPageAsync(phone: true);
        await manager.LoginAsync(portal.Host, Manager, ManagerPhone);
        await manager.GotoAsync("/praktijk/medewerkers");
        Assert.Empty(await manager.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await manager.ShotAsync("medewerkers-telefoon");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Lotte Mulder" }).ClickAsync();
        Assert.Empty(await manager.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await manager.GotoAsync("/praktijk/medewerkers/nieuw");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Medewerker aanmaken" }).ClickAsync();
        await Expect(manager.Locator("#medewerkers-id-fout, #voornaam-fout").First).ToBeVisibleAsync();
        Assert.Empty(await manager.EvaluateAsync<string[]>(AccessibilityTests.Check));
    }

    [Fact]
    public async Task LogoutEverywhere_OnOneInstance_EndsTheCookieSessionOnAnotherInstance_WithinTheStalenessBound()
    {
        const string email = "lotte.mulder@praktijkdelinde.nl";
        const string phone = "06-10000016";
        await using var second = new SecondHost(PortalHost.SecondInstance(portal.Host));
        await second.Host.InitializeAsync();
        var onSecond = new Uri(second.Host.BaseAddress, "/praktijk/berichten").ToString();

        // The cookie is for 127.0.0.1 whatever the port: a browser session from the first instance is accepted by the second (shared keys and database).
        var laptop = await portal.NewPageAsync();
        await laptop.LoginAsync(portal.Host, email, phone);
        await laptop.GotoAsync(onSecond);
        await Expect(laptop).Not.ToHaveURLAsync(new Regex("/inloggen"));
        await Expect(laptop.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToHaveTextAsync("Inloggen");

        var other = await portal.NewPageAsync(phone: true);
        await other.LoginAsync(portal.Host, email, phone);
        await other.GotoAsync("/instellingen");
        await other.GetByRole(AriaRole.Button, new() { Name = "Uitloggen op alle apparaten" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Status)).ToContainTextAsync("U bent op alle apparaten uitgelogd.");
        var loggedOutAt = DateTime.UtcNow;

        // Revocations.StalenessBound is 5 seconds by default (Identity:RevocationRefreshSeconds); allow for the page loads.
        while (true)
        {
            await laptop.GotoAsync(onSecond);
            if (laptop.Url.Contains("/inloggen", StringComparison.Ordinal))
                break;
            Assert.True(DateTime.UtcNow - loggedOutAt < TimeSpan.FromSeconds(9), "the second instance still accepts the session after the staleness bound");
            await Task.Delay(250);
        }
        await Expect(laptop.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Inloggen");
    }

    private sealed class SecondHost(PortalHost host) : IAsyncDisposable
    {
        public PortalHost Host { get; } = host;

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }

    /// <summary>The activation e-mail's link, the SMS code, a password: as seed 004 describes it.</summary>
    private async Task ActivateAsync(IPage page, string email, string phone, string shots)
    {
        var mail = portal.Host.OutboxFiles($"email-{email}").LastOrDefault();
        Assert.NotNull(mail);
        var link = ActivationLink().Match(await File.ReadAllTextAsync(mail.FullName));
        Assert.True(link.Success, "no activation link in the e-mail");
        var before = portal.Host.SmsFiles(phone);
        await page.GotoAsync(link.Value);
        var code = await portal.Host.SmsCodeAsync(phone, before);
        await page.GetByLabel("Sms-code").FillAsync(code);
        await page.ShotAsync($"{shots}-sms-code");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await page.GetByLabel("Nieuw wachtwoord").FillAsync(PortalHost.Password);
        await page.GetByLabel("Herhaal het wachtwoord").FillAsync(PortalHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord opslaan" }).ClickAsync();
        await Expect(page.GetByText("Uw account is geactiveerd. U kunt nu inloggen.")).ToBeVisibleAsync();
        await page.ShotAsync($"{shots}-geactiveerd");
    }

    /// <summary>A Patient of the demo practice with a fresh valid BSN, created by the HIS; returns the BSN.</summary>
    private async Task<string> NewPatientAsync(string given, string family, string birthDate)
    {
        var bsn = NewBsn();
        var patient = new
        {
            resourceType = "Patient",
            identifier = new[] { new { system = "http://fhir.nl/fhir/NamingSystem/bsn", value = bsn } },
            name = new[] { new { family, given = new[] { given } } },
            birthDate,
            managingOrganization = new { reference = "Organization/praktijk-de-linde" },
        };
        using var his = await portal.Host.HisClientAsync();
        var posted = await his.PostAsync("/fhir/Patient", new StringContent(JsonSerializer.Serialize(patient), Encoding.UTF8, "application/fhir+json"));
        Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        return bsn;
    }

    /// <summary>A random 9-digit number that passes the 11-proef (weights 9..2 and -1).</summary>
    private static string NewBsn()
    {
        while (true)
        {
            var digits = Enumerable.Range(0, 8).Select(i => i == 0 ? Random.Shared.Next(1, 10) : Random.Shared.Next(0, 10)).ToList();
            var sum = digits.Select((d, i) => d * (9 - i)).Sum();
            var last = sum % 11;
            if (last <= 9)
                return string.Concat(digits) + last;
        }
    }

    [GeneratedRegex(@"/account/activeren\?t=[^\s]+")]
    private static partial Regex ActivationLink();
}
