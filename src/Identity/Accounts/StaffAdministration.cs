using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fhir.Server.Features.Resources;
using Fhir.Server.Search;
using Identity.OAuth;
using Identity.Storage;
using Microsoft.Data.Sqlite;

namespace Identity.Accounts;

/// <summary>A new staff member as the practice manager enters them.</summary>
public sealed record NewStaffMember(string? GivenName, string? FamilyName, string? Email, string? Mobile, string? Role, string? EmployeeId);

/// <summary>
/// The practice manager manages the staff accounts of their own practice: list, create, change role,
/// disable and enable, resend the activation e-mail. Each staff member is a FHIR Practitioner found by
/// the medewerkers-ID, which is the same for the same person in every practice (seed 000), so a person
/// added by a second practice is the same Practitioner with a second PractitionerRole. The practice
/// manager's own access to medical content stays denied by the access policy; nothing here reads it.
/// Every method checks the caller against the database, not only the token: a manager whose role was
/// taken away cannot act on a token issued before.
/// </summary>
public sealed partial class StaffAdministration(
    AccountStore accounts,
    AccountService accountService,
    ResourceService resources,
    IFhirSearch search,
    IdentityDb db)
{
    public const string RoleCodeSystem = "https://fhir.huisartsportaal.nl/CodeSystem/praktijkrol";

    /// <summary>How each role is named on the PractitionerRole (and in the portal).</summary>
    public static string RoleDisplay(string role) => role switch
    {
        StaffRoles.Huisarts => "Huisarts",
        StaffRoles.Assistent => "Doktersassistent",
        StaffRoles.Poh => "Praktijkondersteuner",
        StaffRoles.Praktijkmanager => "Praktijkmanager",
        _ => role,
    };

    /// <summary>The active practice manager behind <paramref name="principal"/>, or an UNAUTHENTICATED / FORBIDDEN error.</summary>
    public Account RequireManager(ClaimsPrincipal? principal) =>
        RequireStaff(principal, IdentityMessages.OnlyPracticeManager, StaffRoles.Praktijkmanager);

    /// <summary>The active staff account behind a token or session with one of <paramref name="roles"/>.</summary>
    public Account RequireStaff(ClaimsPrincipal? principal, string forbidden, params string[] roles)
    {
        if (principal?.Identity?.IsAuthenticated != true || principal.FindFirstValue("sub") is not { } sub)
            throw AccountRequestException.Unauthenticated();
        var account = accounts.FindById(sub);
        if (account is not { Kind: AccountKind.Staff, IsActive: true, OrganizationId: not null } || !roles.Contains(account.StaffRole)
            || principal.FindFirstValue(TokenClaims.Kind) != TokenClaims.KindStaff
            || principal.FindFirstValue(TokenClaims.Organization) != account.OrganizationId)
            throw AccountRequestException.Forbidden(forbidden);
        return account;
    }

    public IReadOnlyList<Account> List(ClaimsPrincipal? principal) => accounts.StaffOf(RequireManager(principal).OrganizationId!);

    public Account Get(ClaimsPrincipal? principal, string accountId) => Find(RequireManager(principal), accountId);

    public async Task<Account> CreateAsync(ClaimsPrincipal? principal, NewStaffMember input, CancellationToken ct = default)
    {
        var manager = RequireManager(principal);
        var organization = manager.OrganizationId!;
        var given = input.GivenName?.Trim() is { Length: > 0 } g ? g : throw AccountRequestException.Invalid(IdentityMessages.GivenNameRequired, "givenName");
        var family = input.FamilyName?.Trim() is { Length: > 0 } f ? f : throw AccountRequestException.Invalid(IdentityMessages.FamilyNameRequired, "familyName");
        var email = ContactDetails.Email(input.Email) ?? throw AccountRequestException.Invalid(IdentityMessages.EmailInvalid, "email");
        var mobile = ContactDetails.Mobile(input.Mobile) ?? throw AccountRequestException.Invalid(IdentityMessages.MobileInvalid, "mobile");
        var role = Role(input.Role);
        var employeeId = input.EmployeeId?.Trim() is { } e && EmployeeIdPattern().IsMatch(e) ? e
            : throw AccountRequestException.Invalid(IdentityMessages.EmployeeIdInvalid, "employeeId");
        if (accounts.FindByEmail(email) is not null)
            throw AccountRequestException.Invalid(IdentityMessages.EmailInUse, "email");
        if (accounts.StaffOf(organization).Any(a => string.Equals(a.EmployeeId, employeeId, StringComparison.OrdinalIgnoreCase)))
            throw AccountRequestException.Invalid(IdentityMessages.EmployeeIdInUseHere, "employeeId");

        var practitionerId = await PractitionerAsync(employeeId, given, family, ct);
        var roleId = await PractitionerRoleAsync(practitionerId, organization, role, active: true, ct);
        try
        {
            return await accountService.RegisterStaffAsync(email, mobile, $"{given} {family}", role, employeeId, organization, practitionerId, roleId, sendActivation: true, ct);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // Another request took the address or the ID between the checks above and the insert.
            throw accounts.FindByEmail(email) is not null
                ? AccountRequestException.Invalid(IdentityMessages.EmailInUse, "email")
                : AccountRequestException.Invalid(IdentityMessages.EmployeeIdInUseHere, "employeeId");
        }
    }

    /// <summary>A new role takes effect at the next login: the member's current tokens and sessions end now.</summary>
    public async Task<Account> ChangeRoleAsync(ClaimsPrincipal? principal, string accountId, string? role, CancellationToken ct = default)
    {
        var manager = RequireManager(principal);
        var member = Find(manager, accountId);
        var newRole = Role(role);
        if (member.Id == manager.Id)
            throw AccountRequestException.Forbidden(IdentityMessages.NotYourOwnAccount);
        if (member.StaffRole == newRole)
            return member;
        db.Execute("UPDATE identity_account SET staff_role = @r WHERE id = @id", ("@r", newRole), ("@id", member.Id));
        accountService.EndAllSessions(member.Id);
        if (member.PractitionerId is not null)
        {
            var roleId = await PractitionerRoleAsync(member.PractitionerId, member.OrganizationId!, newRole, member.Status != "disabled", ct);
            if (roleId != member.PractitionerRoleId)
                db.Execute("UPDATE identity_account SET practitioner_role_id = @r WHERE id = @id", ("@r", roleId), ("@id", member.Id));
        }
        return accounts.FindById(member.Id)!;
    }

    /// <summary>
    /// A disabled member cannot log in and every token and session ends; their PractitionerRole becomes
    /// inactive, so patients can no longer choose them. Enabling restores the state before (active, or
    /// still to be activated) and clears a lockout.
    /// </summary>
    public async Task<Account> SetEnabledAsync(ClaimsPrincipal? principal, string accountId, bool enabled, CancellationToken ct = default)
    {
        var manager = RequireManager(principal);
        var member = Find(manager, accountId);
        if (member.Id == manager.Id)
            throw AccountRequestException.Forbidden(IdentityMessages.NotYourOwnAccount);
        if (enabled == (member.Status != "disabled"))
            return member;
        if (enabled)
        {
            db.Execute("UPDATE identity_account SET status = @s, failed_count = 0, lockout_until_utc = NULL WHERE id = @id",
                ("@s", member.PasswordHash is null ? "registered" : "active"), ("@id", member.Id));
        }
        else
        {
            db.Execute("UPDATE identity_account SET status = 'disabled' WHERE id = @id", ("@id", member.Id));
            accountService.EndAllSessions(member.Id);
        }
        if (member.PractitionerId is not null)
            await PractitionerRoleAsync(member.PractitionerId, member.OrganizationId!, member.StaffRole!, enabled, ct);
        return accounts.FindById(member.Id)!;
    }

    /// <summary>Sends a new activation e-mail; the earlier link stops working.</summary>
    public async Task<Account> ResendActivationAsync(ClaimsPrincipal? principal, string accountId, CancellationToken ct = default)
    {
        var member = Find(RequireManager(principal), accountId);
        if (member.Status == "disabled")
            throw AccountRequestException.Invalid(IdentityMessages.DisabledNoActivation, "id");
        if (member.Status == "active")
            throw AccountRequestException.Invalid(IdentityMessages.AlreadyActivated, "id");
        await accountService.SendActivationAsync(member, ct);
        return member;
    }

    private Account Find(Account manager, string? accountId) =>
        accountId is not null && accounts.FindById(accountId) is { Kind: AccountKind.Staff } member && member.OrganizationId == manager.OrganizationId
            ? member
            : throw AccountRequestException.NotFound(IdentityMessages.StaffNotFound);

    private static string Role(string? role) =>
        role?.Trim().ToLowerInvariant() is { } r && StaffRoles.All.Contains(r) ? r : throw AccountRequestException.Invalid(IdentityMessages.RoleInvalid, "role");

    /// <summary>The Practitioner with this medewerkers-ID (any practice), or a new one. The same ID with another family name is refused.</summary>
    private async Task<string> PractitionerAsync(string employeeId, string given, string family, CancellationToken ct)
    {
        var found = search.FindIds(null, "Practitioner", $"identifier={Uri.EscapeDataString($"{KnownSystems.EmployeeId}|{employeeId}")}", 2);
        if (found.Count > 0)
        {
            var existing = await resources.ReadAsync("Practitioner", found[0], ct);
            using var doc = JsonDocument.Parse(existing.Json!);
            if (!FamilyNames(doc.RootElement).Any(n => string.Equals(n, family, StringComparison.OrdinalIgnoreCase)))
                throw AccountRequestException.Invalid(IdentityMessages.EmployeeIdOtherPerson, "employeeId");
            return found[0];
        }
        var practitioner = new JsonObject
        {
            ["resourceType"] = "Practitioner",
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = KnownSystems.EmployeeId, ["value"] = employeeId }),
            ["active"] = true,
            ["name"] = new JsonArray(new JsonObject { ["use"] = "official", ["text"] = $"{given} {family}", ["family"] = family, ["given"] = new JsonArray(given) }),
        };
        var created = await resources.CreateAsync("Practitioner", JsonDocument.Parse(practitioner.ToJsonString()), ct);
        return created.Resource.Id;
    }

    /// <summary>The member's PractitionerRole in this practice, created or brought up to date (role code, active).</summary>
    private async Task<string> PractitionerRoleAsync(string practitionerId, string organizationId, string role, bool active, CancellationToken ct)
    {
        var existing = search.FindIds(null, "PractitionerRole",
            $"practitioner={Uri.EscapeDataString($"Practitioner/{practitionerId}")}&organization={Uri.EscapeDataString($"Organization/{organizationId}")}", 1);
        var json = new JsonObject
        {
            ["resourceType"] = "PractitionerRole",
            ["active"] = active,
            ["practitioner"] = new JsonObject { ["reference"] = $"Practitioner/{practitionerId}" },
            ["organization"] = new JsonObject { ["reference"] = $"Organization/{organizationId}" },
            ["code"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = RoleCodeSystem, ["code"] = role, ["display"] = RoleDisplay(role) }),
                ["text"] = RoleDisplay(role),
            }),
        };
        if (existing.Count == 0)
            return (await resources.CreateAsync("PractitionerRole", JsonDocument.Parse(json.ToJsonString()), ct)).Resource.Id;
        var current = await resources.ReadAsync("PractitionerRole", existing[0], ct);
        var updated = JsonNode.Parse(current.Json!)!.AsObject();
        updated["active"] = active;
        updated["code"] = json["code"]!.DeepClone();
        updated.Remove("meta");
        await resources.UpdateAsync("PractitionerRole", existing[0], JsonDocument.Parse(updated.ToJsonString()), null, ct);
        return existing[0];
    }

    private static IEnumerable<string> FamilyNames(JsonElement practitioner)
    {
        if (!practitioner.TryGetProperty("name", out var names) || names.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var name in names.EnumerateArray())
        {
            if (name.TryGetProperty("family", out var family) && family.GetString() is { } f)
                yield return f;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex EmployeeIdPattern();
}
