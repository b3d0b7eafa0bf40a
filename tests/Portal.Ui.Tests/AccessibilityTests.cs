using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

/// <summary>The basics a screen reader and a keyboard need, checked on every page a patient and a GP use.</summary>
[Collection(PortalCollection.Name)]
public sealed class AccessibilityTests(PortalFixture portal)
{
    internal const string Check = """
        () => {
          const problems = [];
          if (document.documentElement.lang !== 'nl') problems.push('html lang is not nl');
          if (document.querySelectorAll('h1').length !== 1) problems.push(`${document.querySelectorAll('h1').length} h1 elements`);
          if (document.querySelectorAll('main').length !== 1) problems.push('no single main landmark');
          for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            const labelled = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            if (!labelled) problems.push(`unlabelled ${el.tagName.toLowerCase()} ${el.name || el.id}`);
            const described = el.getAttribute('aria-describedby');
            if (described) for (const id of described.split(' ')) if (!document.getElementById(id)) problems.push(`aria-describedby ${id} missing`);
          }
          for (const img of document.querySelectorAll('img')) if (!img.getAttribute('alt')) problems.push(`img without alt ${img.src}`);
          for (const b of document.querySelectorAll('button, a')) if (!b.textContent.trim() && !b.getAttribute('aria-label')) problems.push(`nameless ${b.tagName.toLowerCase()}`);
          if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(`wider than the screen: ${document.documentElement.scrollWidth}`);
          return problems;
        }
        """;

    [Fact]
    public async Task PatientAndStaffPages_HaveLandmarksLabelsAndOneHeading()
    {
        var patient = await portal.NewPageAsync(phone: true);
        await patient.LoginAsync(portal.Host, "fatima.elamrani@example.nl", "06-10000004");
        var thread = await patient.AskAsync("Allergie en nieuwe medicijnen", "Mag ik met mijn penicilline-allergie amoxicilline gebruiken?");

        foreach (var path in new[] { "/", "/berichten", "/berichten/map/in-afwachting", "/berichten/nieuw", "/berichten/nieuw?stap=2", "/berichten/nieuw?stap=3",
                     $"/berichten/gesprek/{thread}", "/instellingen" })
        {
            await patient.GotoAsync(path);
            Assert.Empty(await patient.EvaluateAsync<string[]>(Check));
        }

        var gp = await portal.NewPageAsync();
        await gp.LoginAsync(portal.Host, "anna.devries@praktijkdelinde.nl", "06-10000011");
        foreach (var path in new[] { "/", "/praktijk/berichten?lijst=alle", $"/praktijk/berichten/{thread}", "/praktijk/weekoverzicht", "/praktijk/niet-afgeleverd",
                     "/praktijk/bericht-aan-patient?patient=Patient/patient-fatima-el-amrani&naam=Fatima%20El%20Amrani" })
        {
            await gp.GotoAsync(path);
            Assert.Empty(await gp.EvaluateAsync<string[]>(Check));
        }

        // Keyboard: the skip link is the first stop and leads to the main content.
        await gp.GotoAsync("/praktijk/berichten?lijst=alle");
        await gp.Keyboard.PressAsync("Tab");
        await Expect(gp.GetByRole(AriaRole.Link, new() { Name = "Naar de inhoud" })).ToBeFocusedAsync();
    }
}
