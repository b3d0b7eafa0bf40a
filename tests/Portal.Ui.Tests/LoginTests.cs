using Microsoft.Playwright;
using Portal.Ui.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Ui.Tests;

[Collection(PortalCollection.Name)]
public sealed class LoginTests(PortalFixture portal)
{
    [Fact]
    public async Task Login_WithPasswordAndSmsCode_ShowsGreetingAndLogoutEndsSession()
    {
        var page = await portal.NewPageAsync();
        await page.LoginAsync(portal.Host, "willem.bos@example.nl", "06-10000005");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Willem Bos");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Hoofdmenu" })).ToBeVisibleAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "portal.sessie");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal(-1, cookie.Expires);

        await page.GetByRole(AriaRole.Button, new() { Name = "Uitloggen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("U bent uitgelogd.");
        await page.GotoAsync("/berichten");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/inloggen\\?terug=%2Fberichten"));
    }

    [Fact]
    public async Task Login_WithWrongPassword_ShowsDutchErrorNextToPasswordField()
    {
        var page = await portal.NewPageAsync();
        var response = await page.GotoAsync("/inloggen");
        Assert.Contains("script-src 'none'", response!.Headers["content-security-policy"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await Expect(page.Locator("#email-fout")).ToHaveTextAsync("Fout: Vul uw e-mailadres in.");
        await Expect(page.GetByLabel("E-mailadres")).ToHaveAttributeAsync("aria-describedby", "email-fout");

        await page.GetByLabel("E-mailadres").FillAsync("fatima.elamrani@example.nl");
        await page.GetByLabel("Wachtwoord").FillAsync("Fout-wachtwoord-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await Expect(page.Locator("#password-fout")).ToContainTextAsync("Het e-mailadres of wachtwoord is onjuist.");
        await Expect(page.GetByLabel("Wachtwoord")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ShotAsync("login-fout-naast-veld");
    }

    [Fact]
    public async Task SmsCode_Wrong_ShowsTriesLeftNextToField()
    {
        var page = await portal.NewPageAsync();
        await page.GotoAsync("/inloggen");
        await page.GetByLabel("E-mailadres").FillAsync("daan.dejong@example.nl");
        await page.GetByLabel("Wachtwoord").FillAsync(PortalHost.Password);
        var before = portal.Host.SmsFiles("06-10000002");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        var code = await portal.Host.SmsCodeAsync("06-10000002", before);
        var wrong = code == "000000" ? "111111" : "000000";
        await page.GetByLabel("Sms-code").FillAsync(wrong);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await Expect(page.Locator("#code-fout")).ToContainTextAsync("De sms-code is onjuist. U heeft nog 4 pogingen.");
        await page.GetByLabel("Sms-code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Daan de Jong");
    }
}
