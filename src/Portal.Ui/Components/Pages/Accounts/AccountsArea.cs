using System.Security.Claims;
using Graph.Api.Messaging;
using Identity.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Navigation;

namespace Portal.Ui.Components.Pages.Accounts;

/// <summary>
/// Accounts: the public "Account aanvragen" form (seed 004: "Meld u aan via onze website"), the
/// practice's list of requests (assistant, practice manager) and the practice manager's staff pages.
/// The pages only show and ask; who may do what is decided by the API (StaffAdministration, SignupRequests).
/// </summary>
public static class AccountsArea
{
    public const string RequestAccount = "/aanmelden";
    public const string Requests = "/praktijk/aanvragen";
    public const string Staff = "/praktijk/medewerkers";
    public const string NewStaff = "/praktijk/medewerkers/nieuw";

    public const string RequestHandlerPolicy = "portal-aanvragen";
    public const string PracticeManagerPolicy = "portal-praktijkmanager";

    public static string StaffMember(string id) => $"{Staff}/{Uri.EscapeDataString(id)}";

    /// <summary>Assistants and the practice manager decide on account requests.</summary>
    public static bool HandlesRequests(ClaimsPrincipal user) =>
        PortalUsers.IsStaff(user) && user.FindFirstValue(PortalClaims.Role) is StaffRoles.Assistent or StaffRoles.Praktijkmanager;

    public static bool IsPracticeManager(ClaimsPrincipal user) =>
        PortalUsers.IsStaff(user) && user.FindFirstValue(PortalClaims.Role) == StaffRoles.Praktijkmanager;

    public static IServiceCollection AddAccountsArea(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(RequestHandlerPolicy, p => p.AddAuthenticationSchemes(Session.PortalSession.Scheme).RequireAuthenticatedUser().RequireAssertion(c => HandlesRequests(c.User)))
            .AddPolicy(PracticeManagerPolicy, p => p.AddAuthenticationSchemes(Session.PortalSession.Scheme).RequireAuthenticatedUser().RequireAssertion(c => IsPracticeManager(c.User)));
        return services
            .AddNavItem(new NavItem(Requests, "Aanvragen", 40, HandlesRequests))
            .AddNavItem(new NavItem(Staff, "Medewerkers", 50, IsPracticeManager));
    }
}
