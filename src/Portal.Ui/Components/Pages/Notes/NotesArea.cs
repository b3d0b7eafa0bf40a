using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Navigation;

namespace Portal.Ui.Components.Pages.Notes;

/// <summary>
/// Mijn aantekeningen (patients): private notes only the account holder reads, after accepting the terms of
/// the notes function; the consent can be changed later in Instellingen.
/// </summary>
public static class NotesArea
{
    public const string Overview = "/aantekeningen";
    public const string New = "/aantekeningen/nieuw";

    public static string Note(string id) => $"/aantekeningen/{Uri.EscapeDataString(id)}";

    public static string Change(string id) => $"/aantekeningen/{Uri.EscapeDataString(id)}/wijzigen";

    public static string ConfirmDelete(string id) => $"{Note(id)}?verwijderen=1";

    public static IServiceCollection AddNotesArea(this IServiceCollection services) =>
        services.AddNavItem(new NavItem(Overview, "Mijn aantekeningen", 16, PortalUsers.IsPatient));
}
