using System.Security.Claims;

namespace Graph.Api.Messaging;

/// <summary>Who is calling, as the token's claims say. What they may see is decided by IFhirAccessPolicy, not here.</summary>
public sealed record PortalCaller(ClaimsPrincipal Principal, string Kind, string? FhirUser, string? Role, string? OrganizationId, string? Name)
{
    public bool IsPatient => Kind == PortalClaims.KindPatient;
    public bool IsStaff => Kind == PortalClaims.KindStaff;

    /// <summary>The caller's own Patient id (patients) or null.</summary>
    public string? PatientId => IsPatient && FhirUser is { } f && f.StartsWith("Patient/", StringComparison.Ordinal) ? f["Patient/".Length..] : null;

    public static PortalCaller From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
            throw MessagingErrors.Unauthenticated();
        return new PortalCaller(principal,
            principal.FindFirstValue(PortalClaims.Kind) ?? "",
            principal.FindFirstValue(PortalClaims.FhirUser),
            principal.FindFirstValue(PortalClaims.Role),
            principal.FindFirstValue(PortalClaims.Organization),
            principal.FindFirstValue(PortalClaims.Name));
    }

    public string RequirePatient() => PatientId ?? throw MessagingErrors.Forbidden("Alleen een patiënt kan dit doen.");

    public string RequireStaff()
    {
        if (!IsStaff || FhirUser is null || OrganizationId is null)
            throw MessagingErrors.Forbidden("Alleen medewerkers van de praktijk kunnen dit doen.");
        return FhirUser;
    }

    /// <summary>Any staff member of a practice, the practice manager included (for work without medical content); returns the practice.</summary>
    public string RequirePracticeStaff()
    {
        if (!IsStaff || OrganizationId is null)
            throw MessagingErrors.Forbidden("Alleen medewerkers van de praktijk kunnen dit doen.");
        return OrganizationId;
    }
}
