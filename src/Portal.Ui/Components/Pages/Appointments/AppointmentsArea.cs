using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Navigation;

namespace Portal.Ui.Components.Pages.Appointments;

/// <summary>Mijn afspraken (patients): the overview, making an appointment, one appointment (confirmation, change, cancel) and its .ics.</summary>
public static class AppointmentsArea
{
    public const string Overview = "/afspraken";
    public const string Book = "/afspraken/maken";

    public static string Detail(string id) => $"/afspraken/{Uri.EscapeDataString(id)}";

    public static string Change(string id) => $"/afspraken/{Uri.EscapeDataString(id)}/wijzigen";

    public static string CalendarFile(string id) => $"/afspraken/{Uri.EscapeDataString(id)}/agenda.ics";

    /// <summary>Keeps "for whom" (a child's Patient id) on a link; nothing when the patient acts for themselves.</summary>
    public static string For(string path, string? patientId) =>
        string.IsNullOrEmpty(patientId) ? path : $"{path}{(path.Contains('?') ? '&' : '?')}voor={Uri.EscapeDataString(patientId)}";

    public static IServiceCollection AddAppointmentsArea(this IServiceCollection services) =>
        services.AddNavItem(new NavItem(Overview, "Afspraken", 20, PortalUsers.IsPatient));
}
