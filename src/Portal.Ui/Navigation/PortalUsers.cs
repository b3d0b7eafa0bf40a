using System.Security.Claims;
using Graph.Api.Messaging;
using Identity.Accounts;

namespace Portal.Ui.Navigation;

/// <summary>Who the signed-in person is, as the session's claims say, and the authorization policies built on it.</summary>
public static class PortalUsers
{
    public const string PatientPolicy = "portal-patient";
    public const string CareStaffPolicy = "portal-zorgmedewerker";
    public const string StaffPolicy = "portal-medewerker";

    public static bool IsPatient(ClaimsPrincipal user) => user.FindFirstValue(PortalClaims.Kind) == PortalClaims.KindPatient;

    public static bool IsStaff(ClaimsPrincipal user) => user.FindFirstValue(PortalClaims.Kind) == PortalClaims.KindStaff;

    /// <summary>Staff who work with patients' messages: everyone but the practice manager, who reads no medical content.</summary>
    public static bool IsCareStaff(ClaimsPrincipal user) => IsStaff(user) && user.FindFirstValue(PortalClaims.Role) != StaffRoles.Praktijkmanager;

    public static string Name(ClaimsPrincipal user) => user.FindFirstValue(PortalClaims.Name) ?? "";

    /// <summary>The Dutch name of a staff role as people in the practice say it.</summary>
    public static string RoleName(string? role) => role switch
    {
        StaffRoles.Huisarts => "huisarts",
        StaffRoles.Assistent => "doktersassistent",
        StaffRoles.Poh => "praktijkondersteuner",
        StaffRoles.Praktijkmanager => "praktijkmanager",
        _ => "medewerker",
    };
}
