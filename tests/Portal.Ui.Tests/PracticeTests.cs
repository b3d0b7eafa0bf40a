using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

[Collection(PortalCollection.Name)]
public sealed class PracticeTests(PortalFixture portal)
{
    [Fact]
    public async Task OwnStandardText_IsFilledIn_AndAnAnswerOnBehalfOfAnAbsentGpKeepsTheConversationOpen()
    {
        var patient = await portal.NewPageAsync();
        await patient.LoginAsync(portal.Host, "daan.dejong@example.nl", "06-10000002");
        var thread = await patient.AskAsync("Uitslag bloedonderzoek", "Is de uitslag van mijn bloedonderzoek al bekend?");

        var claire = await portal.NewPageAsync();
        await claire.LoginAsync(portal.Host, "claire.bakker@praktijkdelinde.nl", "06-10000013");
        await claire.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Standaardteksten" }).ClickAsync();
        await claire.GetByLabel("Tekst", new() { Exact = true }).FillAsync("Beste {patient}, de uitslag volgt zodra dokter {huisarts} terug is. Groet, {zorgverlener}");
        await claire.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(claire.Locator("#naam-fout")).ToContainTextAsync("Geef de standaardtekst een naam.");
        await claire.GetByLabel("Naam", new() { Exact = true }).FillAsync("Uitslag volgt");
        await claire.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(claire.GetByRole(AriaRole.Status)).ToContainTextAsync("De standaardtekst is opgeslagen.");
        await claire.ShotAsync("standaardtekst-opgeslagen");

        await claire.GotoAsync("/praktijk/berichten?lijst=alle");
        await claire.GetByRole(AriaRole.Link, new() { Name = "Uitslag bloedonderzoek" }).First.ClickAsync();
        await claire.GetByLabel("Standaardtekst").SelectOptionAsync(new SelectOptionValue { Label = "Uitslag volgt" });
        await claire.GetByRole(AriaRole.Button, new() { Name = "Standaardtekst invoegen" }).ClickAsync();
        await Expect(claire.GetByLabel("Antwoord", new() { Exact = true })).ToHaveValueAsync(new Regex("^Beste Daan de Jong, .*Groet, Claire Bakker$"));

        await claire.GetByText("Antwoord namens een afwezige zorgverlener").ClickAsync();
        await claire.GetByLabel("Afwezige zorgverlener").SelectOptionAsync("Practitioner/huisarts-de-vries");
        await claire.GetByRole(AriaRole.Button, new() { Name = "Antwoord versturen" }).ClickAsync();
        await Expect(claire.Locator("#verwacht-fout")).ToContainTextAsync("Geef aan wanneer de patiënt een antwoord kan verwachten");
        await Expect(claire.GetByLabel("Antwoord te verwachten op")).ToHaveAttributeAsync("aria-invalid", "true");
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        await claire.GetByLabel("Antwoord te verwachten op").FillAsync(tomorrow);
        await claire.GetByRole(AriaRole.Button, new() { Name = "Antwoord versturen" }).ClickAsync();
        await Expect(claire.GetByRole(AriaRole.Status)).ToContainTextAsync("Uw antwoord is verstuurd.");
        await Expect(claire.Locator(".gegevens")).ToContainTextAsync("namens afwezige beantwoord");
        await claire.ShotAsync("antwoord-namens-afwezige");

        await patient.GotoAsync($"/berichten/gesprek/{thread}");
        await Expect(patient.GetByText(new Regex("U kunt een antwoord verwachten op"))).ToBeVisibleAsync();
        await Expect(patient.GetByLabel("Uw reactie")).ToBeVisibleAsync();
        await Expect(patient.Locator("#afgesloten")).ToHaveCountAsync(0);
    }
}
