using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Ui.Tests.Infrastructure;

/// <summary>What a person does in the portal, step by step, as the tests use it.</summary>
public static class Portal
{
    /// <summary>E-mail, password, then the SMS code read from the outbox; ends on the start page.</summary>
    public static async Task LoginAsync(this IPage page, PortalHost host, string email, string phone, string? screenshot = null)
    {
        await page.GotoAsync("/inloggen");
        await page.GetByLabel("E-mailadres").FillAsync(email);
        await page.GetByLabel("Wachtwoord").FillAsync(PortalHost.Password);
        var before = host.SmsFiles(phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        try
        {
            // The URL is the step; the next action waits for its field. Waiting for the load event as well failed once in CI
            // with the SMS page already shown (the event did not come within the timeout on a busy machine).
            await page.WaitForURLAsync("**/inloggen/code", new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException e)
        {
            await page.ShotAsync($"login-mislukt-{email}");
            throw new TimeoutException($"Login of {email} did not reach the SMS step; the page says: {await page.InnerTextAsync("main")}", e);
        }
        var code = await host.SmsCodeAsync(phone, before);
        await page.GetByLabel("Sms-code").FillAsync(code);
        if (screenshot is not null)
            await page.ShotAsync(screenshot);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/(\?.*)?$"), new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
    }

    /// <summary>Sends a medical question to the own GP as the logged-in patient; returns the conversation's id.</summary>
    public static async Task<string> AskAsync(this IPage page, string topic, string text)
    {
        await page.GotoAsync("/berichten/nieuw?stap=3&soort=medisch");
        await page.GetByLabel("Onderwerp").FillAsync(topic);
        await page.GetByLabel("Uw vraag").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Bericht versturen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Uw bericht is verstuurd.");
        return Regex.Match(page.Url, "/berichten/gesprek/([^?]+)").Groups[1].Value;
    }

    public static async Task ShotAsync(this IPage page, string name)
    {
        var file = Path.Combine(PortalFixture.Screenshots, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }
}
