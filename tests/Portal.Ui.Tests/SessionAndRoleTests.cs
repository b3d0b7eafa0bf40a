using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

[Collection(PortalCollection.Name)]
public sealed class SessionAndRoleTests(PortalFixture portal)
{
    [Fact]
    public async Task LogoutEverywhere_EndsTheSessionInAnotherBrowser()
    {
        var laptop = await portal.NewPageAsync();
        await laptop.LoginAsync(portal.Host, "petra.visser@praktijkdelinde.nl", "06-10000014");
        var phone = await portal.NewPageAsync(phone: true);
        await phone.LoginAsync(portal.Host, "petra.visser@praktijkdelinde.nl", "06-10000014");

        await laptop.GotoAsync("/instellingen");
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Uitloggen op alle apparaten" }).ClickAsync();
        await Expect(laptop.GetByRole(AriaRole.Status)).ToContainTextAsync("U bent op alle apparaten uitgelogd.");

        await phone.GotoAsync("/praktijk/berichten");
        await Expect(phone).ToHaveURLAsync(new Regex("/inloggen\\?terug="));
        await Expect(phone.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Inloggen");
    }

    [Fact]
    public async Task PracticeManager_SeesNoMessages_ButTheUndeliveredNotifications()
    {
        var page = await portal.NewPageAsync();
        await page.LoginAsync(portal.Host, "manager@praktijkdelinde.nl", "06-10000020");
        var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" });
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Niet afgeleverd" })).ToBeVisibleAsync();
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "E-consulten" })).ToHaveCountAsync(0);
        await Expect(page.Locator(".merk")).ToHaveTextAsync("Huisartsenpraktijk De Linde Praktijkportaal");
        await menu.GetByRole(AriaRole.Link, new() { Name = "Niet afgeleverd" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Niet afgeleverde meldingen");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await page.GotoAsync("/praktijk/berichten");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
        await page.ShotAsync("praktijkmanager-geen-berichten");
    }

    [Fact]
    public async Task Parent_AsksAboutAYoungChild_TheQuestionIsInTheChildsMessages()
    {
        var page = await portal.NewPageAsync();
        await page.LoginAsync(portal.Host, "emma.dejong@example.nl", "06-10000001");
        await Expect(page.Locator(".merk")).ToHaveTextAsync("Huisartsenpraktijk De Linde Patiëntenportaal");
        await page.GotoAsync("/berichten");
        var people = page.GetByRole(AriaRole.Navigation, new() { Name = "Berichten van" });
        await Expect(people.GetByRole(AriaRole.Link, new() { Name = "Emma de Jong (uzelf)" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(people.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Sophie") })).ToBeVisibleAsync();
        await Expect(people.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Daan") })).ToHaveCountAsync(0);

        await people.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Sophie") }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Nieuw bericht" }).ClickAsync();
        await Expect(page.GetByText(new Regex("Deze vraag gaat over Sophie"))).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Kies zorgverlener" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Naar bericht" }).ClickAsync();
        await page.GetByLabel("Onderwerp").FillAsync("Koorts bij Sophie");
        await page.GetByLabel("Uw vraag").FillAsync("Sophie heeft sinds gisteren 38,5 graden koorts.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bericht versturen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Uw bericht is verstuurd.");
        await page.ShotAsync("ouder-vraag-over-kind");

        await page.GotoAsync("/berichten/map/in-afwachting?voor=patient-sophie-de-jong");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Koorts bij Sophie" })).ToBeVisibleAsync();
        await page.GotoAsync("/berichten/map/in-afwachting");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Koorts bij Sophie" })).ToHaveCountAsync(0);
    }
}
