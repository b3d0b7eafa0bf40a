using Fhir.Server.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Identity.OAuth;

/// <summary>Where the authorization server lives: the issuer is {origin}/auth unless Identity:Issuer says otherwise.</summary>
public static class IssuerUrls
{
    public const string Prefix = "/auth";

    public static string Issuer(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IOptions<IdentityServerOptions>>().Value.Issuer;
        if (!string.IsNullOrEmpty(configured))
            return configured.TrimEnd('/');
        var request = context.Request;
        return $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}";
    }

    public static string Token(HttpContext context) => Issuer(context) + "/token";

    public static string FhirBase(HttpContext context) => FhirRequest.BaseUrl(context);
}
