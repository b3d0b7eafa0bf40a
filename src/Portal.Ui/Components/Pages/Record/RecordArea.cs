using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Navigation;

namespace Portal.Ui.Components.Pages.Record;

/// <summary>
/// Mijn dossier and Mijn medicijnen (patients, for themselves or a child they may act for): the record
/// summary, the medication overview, ordering repeat medication and the medication passport; and the
/// practice's list of repeat orders to approve or reject.
/// </summary>
public static class RecordArea
{
    public const string Dossier = "/dossier";
    public const string Medicines = "/medicijnen";
    public const string Passport = "/medicijnen/paspoort";
    public const string PracticeOrders = "/praktijk/herhaalrecepten";

    public static string PracticeOrder(string id) => $"/praktijk/herhaalrecepten/{Uri.EscapeDataString(id)}";

    /// <summary>Adds query parameters (null values left out) to a path.</summary>
    public static string With(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return query.Length == 0 ? path : $"{path}{(path.Contains('?') ? '&' : '?')}{query}";
    }

    public static IServiceCollection AddRecordArea(this IServiceCollection services) => services
        .AddNavItem(new NavItem(Dossier, "Mijn dossier", 12, PortalUsers.IsPatient))
        .AddNavItem(new NavItem(Medicines, "Mijn medicijnen", 14, PortalUsers.IsPatient))
        .AddNavItem(new NavItem(PracticeOrders, "Herhaalrecepten", 35, PortalUsers.IsCareStaff));
}
