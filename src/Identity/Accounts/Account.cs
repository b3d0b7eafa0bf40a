namespace Identity.Accounts;

public enum AccountKind { Patient, Staff }

/// <summary>Staff roles of a GP practice. A practice manager manages accounts and reads no medical content.</summary>
public static class StaffRoles
{
    public const string Huisarts = "huisarts";
    public const string Assistent = "assistent";
    public const string Poh = "poh";
    public const string Praktijkmanager = "praktijkmanager";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Huisarts, Assistent, Poh, Praktijkmanager };
}

/// <summary>
/// A portal account: one person, one account. Patients are linked to their FHIR Patient (found by
/// BSN); staff to their Practitioner and PractitionerRole and the practice's Organization.
/// </summary>
public sealed record Account(
    string Id,
    AccountKind Kind,
    string Email,
    string Phone,
    string DisplayName,
    string? Bsn,
    string? PatientId,
    string? PractitionerId,
    string? PractitionerRoleId,
    string? StaffRole,
    string? EmployeeId,
    string? OrganizationId,
    string? PasswordHash,
    string Status,
    int FailedCount,
    DateTimeOffset? LockoutUntil,
    DateTimeOffset? TokensNotBefore)
{
    public bool IsActive => Status == "active";

    /// <summary>The FHIR resource that is this person (SMART fhirUser).</summary>
    public string? FhirUser => Kind == AccountKind.Patient
        ? PatientId is null ? null : $"Patient/{PatientId}"
        : PractitionerId is null ? null : $"Practitioner/{PractitionerId}";
}
