using System.Security.Claims;
using Identity.OAuth;
using Microsoft.AspNetCore.Http;

namespace Identity.Access;

/// <summary>
/// Reads "Authorization: Bearer" (RFC 6750) and puts the token's principal on the request. It decides
/// nothing: an absent or invalid token leaves an anonymous principal, and the access policy answers 401.
/// </summary>
public sealed class BearerTokenMiddleware(RequestDelegate next, TokenService tokens)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (!tokens.TryGetValidated(header.AsSpan(7).Trim(), out var principal))
                principal = await tokens.ValidateAccessTokenAsync(header[7..].Trim(), IssuerUrls.Issuer(context), IssuerUrls.FhirBase(context));
            context.User = principal ?? new ClaimsPrincipal(new ClaimsIdentity([new Claim("token_error", "invalid_token")]));
        }
        await next(context);
    }
}
