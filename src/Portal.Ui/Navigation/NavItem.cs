using System.Security.Claims;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Ui.Navigation;

/// <summary>
/// One entry of the main menu. Each area of the portal registers its own entries
/// (<see cref="NavRegistration.AddNavItem"/>) in its Area class, so a new feature adds its pages and
/// its menu entry in one place and the layout needs no change.
/// </summary>
public sealed record NavItem(string Href, string Text, int Order, Func<ClaimsPrincipal, bool> IsFor, NavLinkMatch Match = NavLinkMatch.Prefix);

public static class NavRegistration
{
    public static IServiceCollection AddNavItem(this IServiceCollection services, NavItem item) => services.AddSingleton(item);
}
