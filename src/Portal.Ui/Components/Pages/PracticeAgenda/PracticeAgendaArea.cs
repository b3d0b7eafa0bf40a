using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Navigation;

namespace Portal.Ui.Components.Pages.PracticeAgenda;

/// <summary>The practice's side of online appointments: the agenda, new web appointments to check, monthly counts, settings.</summary>
public static class PracticeAgendaArea
{
    public const string Agenda = "/praktijk/agenda";
    public const string NewWebAppointments = "/praktijk/webafspraken";
    public const string MonthlyCounts = "/praktijk/webafspraken/aantallen";
    public const string Settings = "/praktijk/afspraakinstellingen";

    public static string Move(string id) => $"/praktijk/webafspraken/{Uri.EscapeDataString(id)}/verplaatsen";

    public static IServiceCollection AddPracticeAgendaArea(this IServiceCollection services) => services
        .AddNavItem(new NavItem(Agenda, "Agenda", 30, PortalUsers.IsCareStaff))
        .AddNavItem(new NavItem(NewWebAppointments, "Webafspraken", 40, PortalUsers.IsCareStaff, Microsoft.AspNetCore.Components.Routing.NavLinkMatch.All))
        .AddNavItem(new NavItem(MonthlyCounts, "Webafspraken per maand", 45, u => PortalUsers.IsStaff(u) && !PortalUsers.IsCareStaff(u)))
        .AddNavItem(new NavItem(Settings, "Afspraakinstellingen", 50, PortalUsers.IsStaff));
}
