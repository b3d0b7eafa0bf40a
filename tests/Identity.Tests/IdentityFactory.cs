using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Identity.OAuth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Identity.Tests;

/// <summary>
/// The real host over a fresh SQLite file with the demo practice and its accounts, and an outbox folder
/// of its own. Clients are anonymous; tests obtain tokens through the real endpoints.
/// </summary>
public class IdentityFactory : WebApplicationFactory<Program>
{
    private readonly bool _ownsDirectory;
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);

    public IdentityFactory()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "identity-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _ownsDirectory = true;
    }

    /// <summary>A second host on the same database and outbox as <paramref name="first"/>, as a second instance behind a load balancer.</summary>
    protected IdentityFactory(IdentityFactory first, params (string Key, string Value)[] settings)
    {
        DataDirectory = first.DataDirectory;
        foreach (var (key, value) in settings)
            _settings[key] = value;
    }

    /// <summary>A host of its own with extra settings.</summary>
    protected IdentityFactory(params (string Key, string Value)[] settings) : this()
    {
        foreach (var (key, value) in settings)
            _settings[key] = value;
    }

    public string DataDirectory { get; }

    /// <summary>Another instance on this one's database (the caller disposes it; the files stay with this one).</summary>
    public IdentityFactory SecondInstance(params (string Key, string Value)[] settings) => new(this, settings);

    /// <summary>A fresh host with extra settings (the caller disposes it).</summary>
    public static IdentityFactory With(params (string Key, string Value)[] settings) => new(settings);

    public string Outbox => Path.Combine(DataDirectory, "outbox");

    public const string Password = "Welkom2026";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={Path.Combine(DataDirectory, "portal.db")}");
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:SlotDays", "3");
        builder.UseSetting("Identity:OutboxPath", Outbox);
        builder.UseSetting("Identity:RateLimit:LoginPerMinute", "100000");
        builder.UseSetting("Identity:RateLimit:TokenPerMinute", "100000");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    public HttpClient Anonymous()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        return client;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A confidential system client (client_secret_basic) and a token for the given scope.</summary>
    public async Task<string> SystemTokenAsync(string scope = "system/*.cruds")
    {
        Get<ClientRegistry>().Save("his", "HIS", ClientAuthMethods.ClientSecretBasic, ["system/*.cruds"], secret: "his-secret-0123456789");
        using var client = Anonymous();
        var response = await client.SendAsync(BasicTokenRequest("his", "his-secret-0123456789", new() { ["grant_type"] = "client_credentials", ["scope"] = scope }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public static HttpRequestMessage BasicTokenRequest(string id, string secret, Dictionary<string, string> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
        return request;
    }

    public static HttpRequestMessage WithToken(HttpMethod method, string url, string token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>The newest SMS code sent to a phone number, read from the outbox.</summary>
    public string LatestSmsCode(string phone)
    {
        var file = Directory.GetFiles(Outbox, $"*-sms-{phone}-*").OrderBy(f => f, StringComparer.Ordinal).Last();
        var text = File.ReadAllText(file);
        return System.Text.RegularExpressions.Regex.Match(text, @"is (\d{6})\.").Groups[1].Value;
    }

    public string LatestEmailLink(string email)
    {
        var file = Directory.GetFiles(Outbox, $"*-email-{email}*").OrderBy(f => f, StringComparer.Ordinal).Last();
        return System.Text.RegularExpressions.Regex.Match(File.ReadAllText(file), @"https?://\S+").Value;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!_ownsDirectory)
            return;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
