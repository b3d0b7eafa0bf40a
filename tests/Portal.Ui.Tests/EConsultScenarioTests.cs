using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

/// <summary>
/// The scenario in a real browser against the real host: a patient asks with a photo, an
/// assistant puts it on the GP's worklist, the GP answers with the standard text and closes it, the
/// patient reads it and cannot react; the e-mail that announces it carries no medical text.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class EConsultScenarioTests(PortalFixture portal)
{
    private const string Topic = "Rode vlek op mijn onderarm";
    private const string Question = "Sinds vijf dagen heb ik een rode, jeukende vlek op mijn linker onderarm. Zie de foto.";

    [Fact]
    public async Task PatientAsksWithPhoto_AssistantAssigns_GpAnswersWithTemplateAndCloses_PatientReadsAndCannotReply()
    {
        // 1. The patient logs in with the SMS code and asks a medical question with a photo, to the assistants.
        var patient = await portal.NewPageAsync();
        await patient.LoginAsync(portal.Host, "pieter.vandenberg@example.nl", "06-10000003", "01-patient-sms-code");
        await patient.ShotAsync("02-patient-start");
        await patient.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Berichten" }).ClickAsync();
        await patient.GetByRole(AriaRole.Link, new() { Name = "Nieuw bericht" }).ClickAsync();
        await Expect(patient.GetByLabel("Medische vraag")).ToBeCheckedAsync();
        await patient.GetByRole(AriaRole.Button, new() { Name = "Kies zorgverlener" }).ClickAsync();
        await Expect(patient.GetByLabel("Bram Jansen")).ToBeCheckedAsync();
        await patient.GetByLabel(new Regex("assistentes", RegexOptions.IgnoreCase)).CheckAsync();
        await patient.ShotAsync("03-patient-kies-zorgverlener");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Naar bericht" }).ClickAsync();
        await patient.GetByLabel("Onderwerp").FillAsync(Topic);
        await patient.GetByLabel("Uw vraag").FillAsync(Question);
        var photo = await patient.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Jpeg, Quality = 60 });
        await patient.GetByLabel("Bijlagen (optioneel)").SetInputFilesAsync(new FilePayload { Name = "onderarm.jpg", MimeType = "image/jpeg", Buffer = photo });
        await patient.ShotAsync("04-patient-bericht-met-foto");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Bericht versturen" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Status)).ToContainTextAsync("Uw bericht is verstuurd.");
        await Expect(patient.GetByRole(AriaRole.Img, new() { Name = "Foto: onderarm.jpg" })).ToBeVisibleAsync();
        await patient.ShotAsync("05-patient-verstuurd");
        var threadUrl = patient.Url;

        // 2. An assistant finds it among the unassigned e-consults and puts it on the GP's worklist.
        var assistant = await portal.NewPageAsync();
        await assistant.LoginAsync(portal.Host, "sanne.deboer@praktijkdelinde.nl", "06-10000015");
        await assistant.GetByRole(AriaRole.Link, new() { Name = "E-consulten" }).First.ClickAsync();
        await Expect(assistant.GetByRole(AriaRole.Link, new() { Name = "Niet toegewezen" })).ToHaveAttributeAsync("aria-current", "page");
        await assistant.ShotAsync("06-assistent-inbox");
        await assistant.GetByRole(AriaRole.Link, new() { Name = Topic }).ClickAsync();
        await Expect(assistant.GetByRole(AriaRole.Img, new() { Name = "Foto: onderarm.jpg" })).ToBeVisibleAsync();
        Assert.True(await assistant.GetByRole(AriaRole.Img, new() { Name = "Foto: onderarm.jpg" }).EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        await assistant.GetByLabel("Zet op de werklijst van").SelectOptionAsync("Practitioner/huisarts-jansen");
        await assistant.GetByRole(AriaRole.Button, new() { Name = "Toewijzen" }).ClickAsync();
        await Expect(assistant.GetByRole(AriaRole.Status)).ToContainTextAsync("Het gesprek is toegewezen.");
        await Expect(assistant.Locator(".gegevens")).ToContainTextAsync("Bram Jansen");
        await assistant.ShotAsync("07-assistent-toegewezen-aan-huisarts");

        // 3. The GP finds it on their own worklist and answers with the standard text, closing the conversation.
        var gp = await portal.NewPageAsync();
        await gp.LoginAsync(portal.Host, "bram.jansen@praktijkdelinde.nl", "06-10000012");
        await gp.GotoAsync("/praktijk/berichten?lijst=mijn");
        await gp.GetByRole(AriaRole.Link, new() { Name = Topic }).ClickAsync();
        await gp.GetByLabel("Standaardtekst").SelectOptionAsync(new SelectOptionValue { Label = "Meer informatie nodig" });
        await gp.GetByRole(AriaRole.Button, new() { Name = "Standaardtekst invoegen" }).ClickAsync();
        var answer = gp.GetByLabel("Antwoord", new() { Exact = true });
        await Expect(answer).ToHaveValueAsync(new Regex("Wat is precies uw klacht\\?"));
        await Expect(gp.GetByLabel("Gesprek afsluiten voor patiënt")).ToBeCheckedAsync();
        var answerText = await answer.InputValueAsync();
        Assert.DoesNotContain("{patient}", answerText);
        await gp.ShotAsync("08-huisarts-standaardtekst");
        await gp.GetByRole(AriaRole.Button, new() { Name = "Antwoord versturen" }).ClickAsync();
        await Expect(gp.GetByRole(AriaRole.Status)).ToContainTextAsync("Uw antwoord is verstuurd.");
        await Expect(gp.Locator(".gegevens")).ToContainTextAsync("afgesloten voor de patiënt");
        await gp.ShotAsync("09-huisarts-beantwoord");

        // 4. The patient sees the answer in Postvak in, and cannot react: the conversation is closed.
        await patient.GotoAsync("/");
        await Expect(patient.GetByText("U heeft 1 ongelezen bericht.")).ToBeVisibleAsync();
        await patient.GotoAsync("/berichten/map/postvak-in");
        var row = patient.GetByRole(AriaRole.Row).Filter(new() { HasText = Topic });
        await Expect(row).ToContainTextAsync("Bram Jansen");
        await Expect(row).ToContainTextAsync("Ongelezen");
        await patient.ShotAsync("10-patient-postvak-in");
        await row.GetByRole(AriaRole.Link, new() { Name = Topic }).ClickAsync();
        await Expect(patient).ToHaveURLAsync(threadUrl.Split('?')[0]);
        await Expect(patient.Locator(".bericht-praktijk")).ToContainTextAsync("Wat is precies uw klacht?");
        await Expect(patient.Locator("#afgesloten")).ToContainTextAsync("Dit gesprek is afgesloten");
        await Expect(patient.GetByRole(AriaRole.Link, new() { Name = "Stel een nieuwe vraag" })).ToHaveAttributeAsync("href", "/berichten/nieuw");
        await Expect(patient.GetByRole(AriaRole.Button, new() { Name = "Reactie versturen" })).ToHaveCountAsync(0);
        await Expect(patient.GetByLabel("Uw reactie")).ToHaveCountAsync(0);
        await patient.ShotAsync("11-patient-antwoord-afgesloten");
        await patient.GotoAsync("/");
        await Expect(patient.GetByText("U heeft geen ongelezen berichten.")).ToBeVisibleAsync();

        // 5. The e-mail that announced the answer names no medical content.
        var mail = await WaitForMailAsync("pieter.vandenberg@example.nl", "U heeft een nieuw bericht");
        foreach (var word in new[] { "vlek", "onderarm", "jeuk", "klacht", "Jansen", "foto" })
            Assert.DoesNotContain(word, mail, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<string> WaitForMailAsync(string to, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var file in portal.Host.OutboxFiles("email"))
            {
                var text = await File.ReadAllTextAsync(file.FullName);
                if (text.Contains($"To: {to}") && text.Contains($"Subject: {subject}"))
                    return text;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"No e-mail '{subject}' to {to} in {portal.Host.Outbox}");
    }
}
