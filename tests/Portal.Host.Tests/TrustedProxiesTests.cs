using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Host.Tests;

/// <summary>
/// Every request arrives from 10.0.0.7, as if through a reverse proxy; whether its forwarded headers
/// count depends on Portal:TrustedProxies.
/// </summary>
public sealed class ProxiedHostFactory(string trustedProxies) : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "portal-host-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_dataDirectory);
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={Path.Combine(_dataDirectory, "portal.db")}");
        builder.UseSetting("Demo:Seed", "false");
        builder.UseSetting("Portal:TrustedProxies", trustedProxies);
        builder.UseSetting("Identity:RateLimit:TokenPerMinute", "2");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, PeerAddressFilter>());
    }

    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.7");
                return following(context);
            });
            next(app);
        };
    }
}

public class TrustedProxiesTests
{
    [Fact]
    public async Task TrustedProxy_ForwardedProto_MakesTheIssuerHttps()
    {
        using var factory = new ProxiedHostFactory("10.0.0.0/8");
        using var client = factory.CreateClient();

        Assert.StartsWith("https://", await Issuer(client, forwardedProto: "https"));
    }

    [Fact]
    public async Task NoTrustedProxies_ForwardedHeadersAreIgnored()
    {
        using var factory = new ProxiedHostFactory("");
        using var client = factory.CreateClient();

        Assert.StartsWith("http://", await Issuer(client, forwardedProto: "https"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ExhaustTokenLimit(client, "203.0.113.1"));
        // A spoofed X-Forwarded-For does not buy a fresh budget.
        Assert.Equal(HttpStatusCode.TooManyRequests, await TokenRequest(client, "203.0.113.2"));
    }

    [Fact]
    public async Task TrustedProxy_RateLimitsPerClientAddress()
    {
        using var factory = new ProxiedHostFactory("10.0.0.7");
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.TooManyRequests, await ExhaustTokenLimit(client, "203.0.113.1"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TokenRequest(client, "203.0.113.2"));
        // A chain through a proxy we do not trust counts as that proxy's address, not the claimed client.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await TokenRequest(client, "203.0.113.1, 198.51.100.9"));
    }

    private static async Task<string> Issuer(HttpClient client, string forwardedProto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("issuer").GetString()!;
    }

    private static async Task<HttpStatusCode> ExhaustTokenLimit(HttpClient client, string forwardedFor)
    {
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 3; i++)
            status = await TokenRequest(client, forwardedFor);
        return status;
    }

    private static async Task<HttpStatusCode> TokenRequest(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
