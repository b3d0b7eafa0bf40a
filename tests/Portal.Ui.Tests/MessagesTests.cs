using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

[Collection(PortalCollection.Name)]
public sealed class MessagesTests(PortalFixture portal)
{
    [Fact]
    public async Task HisReplyThroughFhir_ShowsInPostvakIn_AndTheOpenConversationTakesAReaction()
    {
        var page = await portal.NewPageAsync();
        await page.LoginAsync(portal.Host, "willem.bos@example.nl", "06-10000005");
        var id = await page.AskAsync("Benauwd bij het sporten", "Mijn puffer helpt minder goed sinds een week.");

        using var his = await portal.Host.HisClientAsync();
        var open = JsonDocument.Parse(await his.GetStringAsync("/fhir/Communication?status=in-progress&subject=Patient/patient-willem-bos"));
        Assert.Contains(open.RootElement.GetProperty("entry").EnumerateArray(), e => e.GetProperty("resource").GetProperty("id").GetString() == id);
        const string answer = "Neem voor het sporten twee pufjes van uw luchtwegverwijder. Lukt dat niet, maak dan een afspraak.";
        var reply = new
        {
            resourceType = "Communication",
            status = "completed",
            category = new[] { new { coding = new[] { new { system = "https://fhir.huisartsportaal.nl/CodeSystem/bericht-categorie", code = "e-consult" } } } },
            subject = new { reference = "Patient/patient-willem-bos" },
            inResponseTo = new[] { new { reference = $"Communication/{id}" } },
            sent = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            sender = new { reference = "Practitioner/huisarts-jansen" },
            recipient = new[] { new { reference = "Patient/patient-willem-bos" } },
            payload = new[] { new { contentString = answer } },
            extension = new[] { new { url = "https://fhir.huisartsportaal.nl/StructureDefinition/econsult-closed-for-patient", valueBoolean = false } },
        };
        var posted = await his.PostAsync("/fhir/Communication", new StringContent(JsonSerializer.Serialize(reply), Encoding.UTF8, "application/fhir+json"));
        Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());

        await page.GotoAsync("/berichten/map/postvak-in");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Benauwd bij het sporten" });
        await Expect(row).ToContainTextAsync("Bram Jansen");
        await page.ShotAsync("his-antwoord-in-postvak-in");
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator(".bericht-praktijk")).ToContainTextAsync(answer);
        await page.GetByLabel("Uw reactie").FillAsync("Dank u, dat ga ik proberen.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reactie versturen" }).ClickAsync();
        await Expect(page.Locator(".bericht-patient").Last).ToContainTextAsync("Dank u, dat ga ik proberen.");
        await page.ShotAsync("his-antwoord-reactie");
    }

    [Fact]
    public async Task NewMessage_WithoutSubjectAndWithAFakePhoto_ShowsDutchErrorsNextToTheFields()
    {
        var page = await portal.NewPageAsync();
        await page.LoginAsync(portal.Host, "fatima.elamrani@example.nl", "06-10000004");
        await page.GotoAsync("/berichten/nieuw?stap=3&soort=anders");
        await page.GetByLabel("Uw vraag").FillAsync("Klopt mijn adres nog?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bericht versturen" }).ClickAsync();
        await Expect(page.Locator("#onderwerp-fout")).ToHaveTextAsync("Fout: Vul een onderwerp in.");
        await Expect(page.GetByLabel("Onderwerp")).ToHaveAttributeAsync("aria-describedby", "onderwerp-fout");
        await Expect(page.GetByLabel("Uw vraag")).ToHaveValueAsync("Klopt mijn adres nog?");
        await page.ShotAsync("veldfout-onderwerp");

        await page.GetByLabel("Onderwerp").FillAsync("Adreswijziging");
        await page.GetByLabel("Bijlagen (optioneel)").SetInputFilesAsync(new FilePayload { Name = "foto.png", MimeType = "image/png", Buffer = Encoding.UTF8.GetBytes("MZ dit is geen foto") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Bericht versturen" }).ClickAsync();
        await Expect(page.Locator("#bijlagen-fout")).ToContainTextAsync("De bijlage 'foto.png' is geen foto (JPEG of PNG) of PDF-bestand.");
        await page.ShotAsync("veldfout-bijlage");
    }

    [Fact]
    public async Task PatientB_OpeningPatientAsConversationByUrl_SeesNoContent()
    {
        var emma = await portal.NewPageAsync();
        await emma.LoginAsync(portal.Host, "emma.dejong@example.nl", "06-10000001");
        var id = await emma.AskAsync("Vertrouwelijke vraag", "Dit mag alleen de praktijk lezen.");
        var photo = await emma.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Png });

        var fatima = await portal.NewPageAsync();
        await fatima.LoginAsync(portal.Host, "fatima.elamrani@example.nl", "06-10000004");
        var response = await fatima.GotoAsync($"/berichten/gesprek/{id}");
        Assert.Contains(response!.Status, new[] { 403, 404 });
        await Expect(fatima.GetByRole(AriaRole.Alert)).ToContainTextAsync(new Regex("geen toegang|bestaat niet", RegexOptions.IgnoreCase));
        var html = await fatima.ContentAsync();
        Assert.DoesNotContain("Vertrouwelijke vraag", html);
        Assert.DoesNotContain("Dit mag alleen de praktijk lezen.", html);
        await fatima.ShotAsync("patient-b-geen-toegang");
        var attachment = await fatima.APIRequest.GetAsync($"/bijlagen/{id}/{id}/0");
        Assert.Equal(404, attachment.Status);
        var staffPage = await fatima.GotoAsync($"/praktijk/berichten/{id}");
        Assert.DoesNotContain("Vertrouwelijke vraag", await fatima.ContentAsync());
        Assert.Equal(200, staffPage!.Status);
        await Expect(fatima.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
        Assert.NotEmpty(photo);
    }

    [Fact]
    public async Task PhoneWidth_MessagesAndNewQuestion_FitWithoutSideScrolling()
    {
        var page = await portal.NewPageAsync(phone: true);
        await page.LoginAsync(portal.Host, "daan.dejong@example.nl", "06-10000002");
        await page.AskAsync("Pijn in mijn knie na voetbal", "Sinds zaterdag doet mijn knie pijn bij traplopen.");
        foreach (var (path, shot) in new[] { ("/", "telefoon-start"), ("/berichten/map/in-afwachting", "telefoon-in-afwachting"), ("/berichten/nieuw?stap=2", "telefoon-kies-zorgverlener") })
        {
            await page.GotoAsync(path);
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= 375, $"{path} is {width}px wide at a 375px screen");
            await page.ShotAsync(shot);
        }
        await page.GotoAsync("/berichten/map/in-afwachting");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Pijn in mijn knie na voetbal" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Main)).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" })).ToBeVisibleAsync();
    }
}
