using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Portal.Ui.Interactive;

/// <summary>
/// Which pages run interactively (a page component with <c>@rendermode InteractiveServer</c>, e.g. the staff
/// agenda) and what they may load. Every other page stays script-free: no script tags and
/// <c>script-src 'none'</c>. Interactive pages load only the framework's and Radzen's script files from this
/// origin (never inline script) and accept the inline styles Radzen positions its elements with.
/// </summary>
public static class InteractivePages
{
    public const string StaticPolicy =
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; img-src 'self'";

    public const string InteractivePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; img-src 'self' data:";

    /// <summary>True when the request's endpoint is a page component with a render mode.</summary>
    public static bool IsInteractive(HttpContext? context) =>
        context?.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type is { } page && page.IsDefined(typeof(RenderModeAttribute), inherit: true);

    public static string ContentSecurityPolicy(HttpContext context) => IsInteractive(context) ? InteractivePolicy : StaticPolicy;
}
