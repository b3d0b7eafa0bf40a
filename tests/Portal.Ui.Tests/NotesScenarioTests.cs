using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

/// <summary>
/// Mijn aantekeningen in a real browser against the real host: the terms first, then a note created,
/// changed and deleted after the "are you sure" step; another patient cannot open it by URL; the consent
/// can be withdrawn in Instellingen.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class NotesScenarioTests(PortalFixture portal)
{
    [Fact]
    public async Task PatientAcceptsTerms_CreatesChangesAndDeletesANoteAfterConfirming_OthersCannotOpenIt()
    {
        // 1. Before first use: the terms, "ik ga akkoord" / "ik ga niet akkoord". Declining keeps the function closed.
        var patient = await portal.NewPageAsync();
        await patient.LoginAsync(portal.Host, "willem.bos@example.nl", "06-10000005");
        await patient.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Mijn aantekeningen" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Name = "Voorwaarden voor Mijn aantekeningen" })).ToBeVisibleAsync();
        await patient.GetByRole(AriaRole.Button, new() { Name = "Ik ga niet akkoord" }).ClickAsync();
        await Expect(patient.Locator("main")).ToContainTextAsync("Zonder akkoord is deze functie niet beschikbaar.");
        await Expect(patient.GetByRole(AriaRole.Link, new() { Name = "Nieuwe aantekening" })).ToHaveCountAsync(0);
        Assert.Empty(await patient.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await patient.ShotAsync("aantekeningen-01-voorwaarden");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Ik ga akkoord" }).ClickAsync();
        await Expect(patient.Locator("main")).ToContainTextAsync("Let op! Dit zijn uw eigen aantekeningen. Ze zijn niet zichtbaar voor uw zorgverleners.");

        // 2. Nieuwe aantekening: without a title the Dutch message is next to the field; then Opslaan.
        await patient.GetByRole(AriaRole.Link, new() { Name = "Nieuwe aantekening" }).ClickAsync();
        await patient.GetByLabel("Aantekening", new() { Exact = true }).FillAsync("Vragen over mijn knie");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(patient.Locator("#titel-fout")).ToContainTextAsync("Geef uw aantekening een titel.");
        await Expect(patient.GetByLabel("Aantekening", new() { Exact = true })).ToHaveValueAsync("Vragen over mijn knie");
        Assert.Empty(await patient.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await patient.GetByLabel("Titel").FillAsync("Voor het consult");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Voor het consult");
        await Expect(patient.Locator("main")).ToContainTextAsync("Uw aantekening is opgeslagen.");
        var noteUrl = new Uri(patient.Url).AbsolutePath;
        await patient.ShotAsync("aantekeningen-02-opgeslagen");

        // 3. Select it in the overview, Wijzigen, Opslaan.
        await patient.GotoAsync("/aantekeningen");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Voor het consult" }).ClickAsync();
        await patient.GetByRole(AriaRole.Link, new() { Name = "Wijzigen" }).ClickAsync();
        await Expect(patient.GetByLabel("Titel")).ToHaveValueAsync("Voor het consult");
        await patient.GetByLabel("Aantekening", new() { Exact = true }).FillAsync("Vragen over mijn knie en over de fysiotherapie");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(patient.Locator(".aantekening-tekst")).ToHaveTextAsync("Vragen over mijn knie en over de fysiotherapie");

        // 4. Another patient opening the note by its address gets "bestaat niet", not the text.
        var other = await portal.NewPageAsync();
        await other.LoginAsync(portal.Host, "daan.dejong@example.nl", "06-10000002");
        await other.GotoAsync("/aantekeningen");
        await other.GetByRole(AriaRole.Button, new() { Name = "Ik ga akkoord" }).ClickAsync();
        await other.GotoAsync(noteUrl);
        await Expect(other.Locator("main")).ToContainTextAsync("Deze aantekening bestaat niet (meer).");
        await Expect(other.Locator("main")).Not.ToContainTextAsync("fysiotherapie");

        // 5. Verwijderen asks first; Nee keeps it, Ja removes it.
        await patient.GetByRole(AriaRole.Link, new() { Name = "Verwijderen" }).ClickAsync();
        await Expect(patient.Locator("#verwijderen")).ToContainTextAsync("Weet u zeker dat u deze aantekening wilt verwijderen?");
        Assert.Empty(await patient.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await patient.ShotAsync("aantekeningen-03-zeker-weten");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Nee" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Voor het consult");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Verwijderen" }).ClickAsync();
        await patient.GetByRole(AriaRole.Button, new() { Name = "Ja, verwijderen" }).ClickAsync();
        await Expect(patient.Locator("main")).ToContainTextAsync("Uw aantekening is verwijderd.");
        await Expect(patient.GetByRole(AriaRole.Link, new() { Name = "Voor het consult" })).ToHaveCountAsync(0);

        // 6. Instellingen: withdrawing the consent closes the function again.
        await patient.GotoAsync("/instellingen");
        await Expect(patient.GetByLabel("Ik ga akkoord met de voorwaarden van Mijn aantekeningen")).ToBeCheckedAsync();
        await patient.GetByLabel("Ik ga akkoord met de voorwaarden van Mijn aantekeningen").UncheckAsync();
        await patient.Locator("section[aria-labelledby=aantekeningen-kop]").GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(patient.Locator("main")).ToContainTextAsync("Mijn aantekeningen is uitgezet.");
        await patient.GotoAsync("/aantekeningen");
        await Expect(patient.GetByRole(AriaRole.Button, new() { Name = "Ik ga akkoord" })).ToBeVisibleAsync();
    }
}
