using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Host.Configuration;

/// <summary>
/// Behind a reverse proxy the connection comes from the proxy, so per-address rate limits would
/// share one budget between all patients and the issuer would say http. The forwarded headers are
/// honoured only from the proxies named in <c>Portal:TrustedProxies</c>.
/// https://learn.microsoft.com/aspnet/core/host-and-deploy/proxy-load-balancer
/// </summary>
public static class TrustedProxies
{
    public static IReadOnlyList<IPNetwork> Parse(string? value)
    {
        var networks = new List<IPNetwork>();
        foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(part, out var network))
                networks.Add(network);
            else if (IPAddress.TryParse(part, out var address))
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else
                throw new PortalConfigurationException(
                    $"Portal:TrustedProxies contains '{part}', which is neither an IP address nor a CIDR network like 10.0.0.0/8");
        }
        return networks;
    }

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var networks = Parse(configuration[$"{PortalOptions.Section}:{nameof(PortalOptions.TrustedProxies)}"]);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in networks)
                options.KnownIPNetworks.Add(network);
            // Walk a chain of trusted proxies from the right; stop at the first address we do not trust.
            options.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>First in the pipeline, so the rate limiter and the issuer see the client's address and scheme.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.Count > 0)
            app.UseForwardedHeaders();
        return app;
    }
}
