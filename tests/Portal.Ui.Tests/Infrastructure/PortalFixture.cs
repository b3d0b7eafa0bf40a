using Microsoft.Playwright;

namespace Portal.Ui.Tests.Infrastructure;

/// <summary>
/// One real host and one Debian chromium for the whole suite (starting either is the slow part).
/// Never downloads a browser: Playwright drives /usr/bin/chromium.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public PortalHost Host { get; } = new();
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Screenshots of each step, kept after the run (bin/.../screenshots; ignored by git).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: apt-get install -y chromium (test.sh does this)");
        Directory.CreateDirectory(Screenshots);
        Assertions.SetDefaultExpectTimeout(15_000);
        Console.WriteLine($"Screenshots: {Screenshots}");
        await Host.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (own cookies) with a Dutch locale; desktop or phone width.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseAddress.ToString(),
            Locale = "nl-NL",
            TimezoneId = "Europe/Amsterdam",
            ViewportSize = phone ? new ViewportSize { Width = 375, Height = 740 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
        });
        // Generous: the machine running the suite is shared, and a login hashes a password (PBKDF2) on a busy CPU.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(45_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
