using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

/// <summary>
/// The appointments issue's proof in a real browser against the real host: a patient books a 20-minute
/// consult with a reason (on a phone), downloads the .ics, sees it in the overview and cancels it; the GP
/// sees the web appointment appear in the agenda (interactive Radzen scheduler) and disappear after the cancel.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class AppointmentScenarioTests(PortalFixture portal)
{
    private const string Reason = "Pijn in mijn rechterknie sinds twee weken, en een vraag over mijn bloeddrukpillen.";

    [Fact]
    public async Task PatientBooks20MinuteConsult_DownloadsIcs_SeesItAndCancels_GpSeesItAppearAndDisappearInAgenda()
    {
        // 0. The test host seeds one day of free slots; an assistant opens the agendas for the next weeks (as the nightly job would).
        await OpenAgendasAsync(portal);

        // 1. The patient logs in on a phone and walks through "Afspraak maken".
        var patient = await portal.NewPageAsync(phone: true);
        await patient.LoginAsync(portal.Host, "emma.dejong@example.nl", "06-10000001");
        await patient.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Afspraken" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mijn afspraken");
        await Expect(patient.GetByRole(AriaRole.Note)).ToContainTextAsync("spoedeisende klacht");
        await patient.ShotAsync("afspraak-01-patient-overzicht");
        await patient.GetByRole(AriaRole.Link, new() { Name = "Afspraak maken", Exact = true }).ClickAsync();
        await Expect(patient.GetByLabel("Doktersafspraak")).ToBeCheckedAsync();
        await patient.ShotAsync("afspraak-02-soort-zorgverlener");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Naar zorgverleners" }).ClickAsync();
        var ownGp = patient.GetByLabel(new Regex("uw eigen huisarts"));
        await Expect(ownGp).ToBeCheckedAsync();
        var gpName = (await patient.Locator("label", new() { HasText = "(uw eigen huisarts)" }).InnerTextAsync()).Replace("(uw eigen huisarts)", "").Trim();
        await patient.ShotAsync("afspraak-03-zorgverlener-voorgeselecteerd");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Naar details afspraak" }).ClickAsync();
        await patient.GetByLabel(new Regex(@"\(20 minuten\)")).First.CheckAsync();
        await patient.ShotAsync("afspraak-04-soort-afspraak");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Naar reden van uw bezoek" }).ClickAsync();

        // 2. Without a reason the step says so next to the field, in Dutch.
        await patient.GetByRole(AriaRole.Button, new() { Name = "Tijdstip kiezen" }).ClickAsync();
        var reason = patient.GetByLabel("Reden van uw bezoek (verplicht)");
        await Expect(patient.Locator("#reden-fout")).ToContainTextAsync("Vul de reden van uw bezoek in.");
        await Expect(reason).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(reason).ToHaveAttributeAsync("aria-describedby", new Regex("reden-fout"));
        await patient.ShotAsync("afspraak-05-reden-ontbreekt");
        await reason.FillAsync(Reason);
        await patient.GetByRole(AriaRole.Button, new() { Name = "Tijdstip kiezen" }).ClickAsync();

        // 3. A day (date buttons), a time, review, confirm.
        var dayButtons = patient.Locator(".datumknoppen button");
        await Expect(dayButtons.First).ToBeVisibleAsync();
        await dayButtons.Nth(Math.Min(1, await dayButtons.CountAsync() - 1)).ClickAsync();
        var chosenDay = (await patient.Locator(".datumknoppen button[aria-pressed=true]").InnerTextAsync()).Trim();
        var firstTime = patient.Locator("input[name='Input.Tijd']").First;
        var start = DateTimeOffset.Parse(await firstTime.GetAttributeAsync("value") ?? "", CultureInfo.InvariantCulture);
        var timeLabel = (await patient.Locator($"label[for='{await firstTime.GetAttributeAsync("id")}']").InnerTextAsync()).Trim();
        await firstTime.CheckAsync();
        Assert.Matches(@"^\d\d:\d\d-\d\d:\d\d$", timeLabel);
        Assert.Equal(20, (int)(TimeSpan.Parse(timeLabel[6..], CultureInfo.InvariantCulture) - TimeSpan.Parse(timeLabel[..5], CultureInfo.InvariantCulture)).TotalMinutes);
        await patient.ShotAsync("afspraak-06-dag-en-tijd");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Afspraak inplannen" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Name = "Controleer uw afspraak" })).ToBeVisibleAsync();
        await Expect(patient.Locator(".gegevens")).ToContainTextAsync(Reason);
        await Expect(patient.Locator(".gegevens")).ToContainTextAsync(timeLabel);
        await patient.ShotAsync("afspraak-07-controleren");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Afspraak bevestigen" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Status)).ToContainTextAsync("Uw afspraak is gemaakt");
        await patient.ShotAsync("afspraak-08-bevestiging");
        var detailUrl = patient.Url;

        // 4. "Voeg toe aan uw agenda": an RFC 5545 file whose DTSTART is the booked time.
        var download = await patient.RunAndWaitForDownloadAsync(() => patient.GetByRole(AriaRole.Link, new() { Name = "Voeg toe aan uw agenda" }).ClickAsync());
        var ics = await File.ReadAllTextAsync(await download.PathAsync());
        var lines = Unfold(ics);
        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("END:VCALENDAR", lines[^1]);
        Assert.Contains("VERSION:2.0", lines);
        Assert.Contains("BEGIN:VEVENT", lines);
        Assert.Contains("END:VEVENT", lines);
        Assert.Contains(lines, l => l.StartsWith("UID:", StringComparison.Ordinal));
        var dtStart = lines.Single(l => l.StartsWith("DTSTART", StringComparison.Ordinal));
        Assert.Equal(start.UtcDateTime, IcsTime(dtStart));
        Assert.Equal(start.UtcDateTime.AddMinutes(20), IcsTime(lines.Single(l => l.StartsWith("DTEND", StringComparison.Ordinal))));

        // 5. The overview lists it.
        await patient.GotoAsync("/afspraken");
        var listed = patient.Locator(".afspraak", new() { HasText = timeLabel });
        await Expect(listed).ToContainTextAsync(chosenDay);
        await Expect(listed).ToContainTextAsync("Gepland");
        await patient.ShotAsync("afspraak-09-overzicht-met-afspraak");

        // 6. The GP sees it in the agenda, as a web appointment, on that day.
        var date = TimeZoneInfo.ConvertTime(start, TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var gp = await portal.NewPageAsync();
        await gp.LoginAsync(portal.Host, "anna.devries@praktijkdelinde.nl", "06-10000011");
        await gp.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Agenda" }).ClickAsync();
        await Expect(gp.Locator("#agenda-planner[data-geladen=ja]")).ToBeVisibleAsync();
        await gp.GotoAsync($"/praktijk/agenda?datum={date}");
        await Expect(gp.Locator("#agenda-planner[data-geladen=ja]")).ToBeVisibleAsync();
        await gp.GetByLabel("Zorgverlener").SelectOptionAsync(new SelectOptionValue { Label = $"{gpName} (huisarts)" });
        var row = gp.Locator("#agenda-lijst tr", new() { HasText = "Emma de Jong" });
        await Expect(row).ToContainTextAsync(timeLabel);
        await Expect(row).ToContainTextAsync("Webafspraak");
        var block = gp.Locator(".rz-scheduler .afspraak-web", new() { HasText = "Emma de Jong" });
        await Expect(block).ToBeVisibleAsync();
        await gp.ShotAsync("afspraak-10-huisarts-agenda-dag");
        await gp.GetByRole(AriaRole.Button, new() { Name = "Week" }).ClickAsync();
        await Expect(block).ToBeVisibleAsync();
        await gp.ShotAsync("afspraak-11-huisarts-agenda-week");
        await gp.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Webafspraken" }).ClickAsync();
        var toCheck = gp.Locator("#webafspraken tr", new() { HasText = "Emma de Jong" }).Filter(new() { HasText = Reason });
        await Expect(toCheck).ToContainTextAsync(timeLabel);
        await gp.ShotAsync("afspraak-11b-huisarts-nieuwe-webafspraken");

        // 7. The patient cancels it before the cut-off.
        await patient.GotoAsync(detailUrl.Split('?')[0]);
        await patient.GetByRole(AriaRole.Button, new() { Name = "Afspraak annuleren" }).ClickAsync();
        await Expect(patient.GetByRole(AriaRole.Status)).ToContainTextAsync("Uw afspraak is geannuleerd");
        await patient.ShotAsync("afspraak-12-geannuleerd");
        await patient.GotoAsync("/afspraken");
        await Expect(patient.Locator(".afspraak", new() { HasText = timeLabel }).Filter(new() { HasText = "Gepland" })).ToHaveCountAsync(0);
        await patient.ShotAsync("afspraak-13-overzicht-na-annuleren");

        // 8. ... and it is gone from the GP's agenda.
        await gp.GotoAsync($"/praktijk/agenda?datum={date}");
        await Expect(gp.Locator("#agenda-planner[data-geladen=ja]")).ToBeVisibleAsync();
        await gp.GetByLabel("Zorgverlener").SelectOptionAsync(new SelectOptionValue { Label = $"{gpName} (huisarts)" });
        await Expect(gp.Locator("#agenda-lijst-leeg, #agenda-lijst")).ToBeVisibleAsync();
        await Expect(gp.Locator("#agenda-lijst tr", new() { HasText = "Emma de Jong" }).Filter(new() { HasText = timeLabel })).ToHaveCountAsync(0);
        await Expect(gp.Locator(".rz-scheduler .afspraak-web", new() { HasText = "Emma de Jong" })).ToHaveCountAsync(0);
        await gp.ShotAsync("afspraak-14-huisarts-agenda-na-annuleren");
    }

    [Fact]
    public async Task Patient_OpeningTheStaffAgenda_GetsNoAccess()
    {
        var patient = await portal.NewPageAsync();
        await patient.LoginAsync(portal.Host, "willem.bos@example.nl", "06-10000005");
        await Expect(patient.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Agenda" })).ToHaveCountAsync(0);
        var response = await patient.GotoAsync("/praktijk/agenda");
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
        await Expect(patient.Locator(".rz-scheduler")).ToHaveCountAsync(0);
        await patient.ShotAsync("afspraak-15-patient-geen-toegang-agenda");
        await patient.GotoAsync("/praktijk/webafspraken");
        await Expect(patient.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
        Assert.NotNull(response);
    }

    [Fact]
    public async Task Settings_MaximumBelowMinimum_ShowsDutchErrorNextToTheField()
    {
        var assistant = await portal.NewPageAsync();
        await assistant.LoginAsync(portal.Host, "lotte.mulder@praktijkdelinde.nl", "06-10000016");
        await assistant.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" }).GetByRole(AriaRole.Link, new() { Name = "Afspraakinstellingen" }).ClickAsync();
        await assistant.GetByLabel("Minimaal aantal dagen vooruit").FillAsync("10");
        await assistant.GetByLabel("Maximaal aantal dagen vooruit").FillAsync("5");
        await assistant.GetByRole(AriaRole.Button, new() { Name = "Termijnen opslaan" }).ClickAsync();
        await Expect(assistant.Locator("#max-dagen-fout")).ToContainTextAsync("maximale termijn");
        await Expect(assistant.GetByLabel("Maximaal aantal dagen vooruit")).ToHaveAttributeAsync("aria-invalid", "true");
        await assistant.GetByLabel("Maximaal aantal dagen vooruit").FillAsync("twintig");
        await assistant.GetByRole(AriaRole.Button, new() { Name = "Termijnen opslaan" }).ClickAsync();
        await Expect(assistant.Locator("#max-dagen-fout")).ToContainTextAsync("Vul een heel getal in.");
        await assistant.ShotAsync("afspraak-16-instellingen-fout-naast-veld");
    }

    private static async Task OpenAgendasAsync(PortalFixture portal)
    {
        var assistant = await portal.NewPageAsync();
        await assistant.LoginAsync(portal.Host, "sanne.deboer@praktijkdelinde.nl", "06-10000015");
        await assistant.GotoAsync("/praktijk/afspraakinstellingen");
        await assistant.GetByLabel("Aantal dagen vooruit", new() { Exact = true }).FillAsync("21");
        await assistant.GetByRole(AriaRole.Button, new() { Name = "Vrije tijden aanmaken" }).ClickAsync();
        await Expect(assistant.GetByRole(AriaRole.Status)).ToContainTextAsync("vrije tijden aangemaakt");
        await assistant.ShotAsync("afspraak-00-assistent-vrije-tijden");
        await assistant.Context.CloseAsync();
    }

    /// <summary>RFC 5545 3.1: lines folded with CRLF + a space are one content line.</summary>
    private static List<string> Unfold(string ics) =>
        ics.Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal)
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>A DTSTART/DTEND line in UTC form (19980119T070000Z), RFC 5545 3.3.5 form #2.</summary>
    private static DateTime IcsTime(string line)
    {
        var match = IcsUtc().Match(line);
        Assert.True(match.Success, $"not a UTC date-time: {line}");
        return DateTime.ParseExact(match.Groups[1].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    [GeneratedRegex(@"^DT(?:START|END)(?:;[^:]*)?:(\d{8}T\d{6}Z)$")]
    private static partial Regex IcsUtc();
}
