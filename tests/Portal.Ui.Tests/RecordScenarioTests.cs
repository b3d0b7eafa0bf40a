using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

/// <summary>
/// Mijn dossier and Mijn medicijnen in a real browser against the real host: the patient reads the
/// record, orders repeat medication and sees when it is ready; the assistant approves; the patient finds
/// the system message. Another patient cannot open the record by URL.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RecordScenarioTests(PortalFixture portal)
{
    [Fact]
    public async Task PatientReadsDossier_OrdersRepeatMedication_SeesReadyDate_AssistantApproves_PatientGetsSystemMessage()
    {
        // 1. Mijn dossier: the notice, episodes, allergies, lab results newest first with the reference range.
        var patient = await portal.NewPageAsync(phone: true);
        await patient.LoginAsync(portal.Host, "pieter.vandenberg@example.nl", "06-10000003");
        await patient.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Mijn dossier" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mijn dossier");
        await Expect(patient.Locator("main")).ToContainTextAsync("Dit is een samenvatting; wat er in uw dossier staat bepaalt uw huisarts.");
        await Expect(patient.Locator("#episodes")).ToContainTextAsync("Diabetes mellitus type 2");
        Assert.Empty(await patient.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await patient.ShotAsync("dossier-01-episodes");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Uitslagen" }).ClickAsync();
        var rows = patient.Locator("#uitslagen tbody tr");
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(rows.Last).ToContainTextAsync("HbA1c");
        await Expect(patient.Locator("#uitslagen")).ToContainTextAsync("4.0 - 6.1 mmol/L");
        await Expect(patient.Locator("#uitslagen")).ToContainTextAsync("te hoog");
        Assert.Empty(await patient.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await patient.ShotAsync("dossier-02-uitslagen");

        // 2. Mijn medicijnen → Bestellen: nothing chosen gives a Dutch message next to the choices.
        await patient.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Mijn medicijnen" }).ClickAsync();
        await Expect(patient.Locator("#medicatie")).ToContainTextAsync("Metformine 500 mg tablet");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Herhaalmedicatie bestellen" }).ClickAsync();
        await patient.GetByRole(AriaRole.Button, new() { Name = "Bestellen" }).ClickAsync();
        await Expect(patient.Locator("#medicijnen-fout")).ToContainTextAsync("Kies minstens één medicijn");
        Assert.Empty(await patient.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await patient.ShotAsync("medicijnen-01-niets-gekozen");

        // 3. Order Metformine with a note; the page says from which day it can be collected.
        await patient.GetByLabel("Metformine 500 mg tablet").CheckAsync();
        await patient.GetByLabel("Opmerking voor de praktijk (niet verplicht)").FillAsync("Graag bij apotheek De Linde.");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Bestellen" }).ClickAsync();
        var status = patient.Locator("#besteld");
        await Expect(status).ToContainTextAsync("Uw bestelling is ontvangen.");
        var ready = (await status.Locator("strong").InnerTextAsync()).Trim();
        Assert.Matches(@"^(maandag|dinsdag|woensdag|donderdag|vrijdag) \d{1,2} \w+ \d{4}$", ready);
        await Expect(patient.GetByLabel("Metformine 500 mg tablet")).ToBeDisabledAsync();
        await Expect(patient.Locator("#bestellingen")).ToContainTextAsync("in behandeling");
        await patient.ShotAsync("medicijnen-02-besteld");

        // 4. The passport is a page of its own without the portal's menu when printed.
        await patient.GotoAsync("/medicijnen/paspoort");
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Medicatiepaspoort");
        await Expect(patient.Locator("#paspoort")).ToContainTextAsync("Amlodipine 5 mg tablet");
        await patient.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(patient.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" })).ToBeHiddenAsync();
        await patient.ShotAsync("medicijnen-03-paspoort-afdruk");
        await patient.EmulateMediaAsync(new() { Media = Media.Screen });

        // 5. The assistant sees the order, opens it and approves it.
        var assistant = await portal.NewPageAsync();
        await assistant.LoginAsync(portal.Host, "sanne.deboer@praktijkdelinde.nl", "06-10000015");
        await assistant.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Herhaalrecepten" }).ClickAsync();
        var row = assistant.Locator("#herhaalrecepten tbody tr", new() { HasText = "Pieter van den Berg" });
        await Expect(row).ToContainTextAsync("Metformine 500 mg tablet");
        await Expect(row).ToContainTextAsync("Graag bij apotheek De Linde.");
        Assert.Empty(await assistant.EvaluateAsync<string[]>(AccessibilityTests.Check));
        await assistant.ShotAsync("herhaalrecepten-01-open");
        await row.GetByRole(AriaRole.Link, new() { Name = "Pieter van den Berg" }).ClickAsync();
        await assistant.GetByRole(AriaRole.Button, new() { Name = "Afwijzen" }).ClickAsync();
        await Expect(assistant.Locator("#reden-fout")).ToContainTextAsync("Vul de reden in");
        await Expect(assistant.GetByLabel("Reden voor de patiënt")).ToHaveAttributeAsync("aria-invalid", "true");
        await assistant.ShotAsync("herhaalrecepten-02-reden-ontbreekt");
        await assistant.GetByRole(AriaRole.Button, new() { Name = "Goedkeuren" }).ClickAsync();
        await Expect(assistant.GetByRole(AriaRole.Status)).ToContainTextAsync("goedgekeurd");
        await Expect(assistant.Locator("#herhaalrecepten tbody tr", new() { HasText = "Pieter van den Berg" })).ToHaveCountAsync(0);
        await assistant.ShotAsync("herhaalrecepten-03-goedgekeurd");

        // 6. The patient finds one system message saying so, with the ready day.
        await patient.GotoAsync("/berichten/map/systeemberichten");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Herhaalrecept" }).ClickAsync();
        await Expect(patient.Locator("main")).ToContainTextAsync("is goedgekeurd");
        await Expect(patient.Locator("main")).ToContainTextAsync(Regex.Replace(ready, @" \d{4}$", ""));
        await patient.ShotAsync("medicijnen-04-systeembericht");
        await patient.GotoAsync("/medicijnen?deel=bestellen");
        await Expect(patient.Locator("#bestellingen")).ToContainTextAsync("goedgekeurd");
    }

    [Fact]
    public async Task OtherPatient_OpeningTheDossierByUrl_GetsNoAccessAndNoData()
    {
        var other = await portal.NewPageAsync();
        await other.LoginAsync(portal.Host, "fatima.elamrani@example.nl", "06-10000004");

        foreach (var path in new[] { "/dossier?voor=patient-pieter-van-den-berg&deel=uitslagen", "/medicijnen?voor=patient-pieter-van-den-berg", "/medicijnen/paspoort?voor=patient-pieter-van-den-berg" })
        {
            var response = await other.GotoAsync(path);
            Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
            await Expect(other.GetByRole(AriaRole.Alert)).ToContainTextAsync("U heeft geen toegang tot dit dossier.");
            var text = await other.InnerTextAsync("main");
            Assert.DoesNotContain("HbA1c", text);
            Assert.DoesNotContain("Metformine", text);
            Assert.DoesNotContain("Pieter", text);
        }
        await other.ShotAsync("dossier-03-geen-toegang");

        // A patient is not staff: the practice's list is closed to them.
        await other.GotoAsync("/praktijk/herhaalrecepten");
        Assert.DoesNotContain("Herhaalrecepten", await other.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
    }
}
