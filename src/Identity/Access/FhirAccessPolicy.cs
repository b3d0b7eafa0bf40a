using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Fhir.Server.Features.Security;
using Fhir.Server.Store;
using Identity.Accounts;
using Identity.Audit;
using Identity.OAuth;

namespace Identity.Access;

/// <summary>
/// Who may see whom, in one place for every door (FHIR REST, search, GraphQL):
/// the token's SMART scopes decide which interactions on which types; then system clients (a HIS)
/// reach everything their scopes name; a patient reaches their own record and, under WGBO rules, a
/// child's (<see cref="ProxyAccess"/>), and changes it only where the practice's rules are applied: through the
/// portal's services (<see cref="FhirAccessRequest.PortalRules"/>) or, over FHIR REST, a
/// <see cref="PatientWritableType"/>; staff reach the patients of their own practice; a practice manager reaches no
/// medical content. AuditEvents are never written through the API.
/// https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
/// </summary>
public sealed class FhirAccessPolicy(
    PatientCompartment compartment,
    ProxyAccess proxies,
    IResourceStore store,
    AccessLog log,
    IEnumerable<PatientWritableType> patientWritable,
    TimeProvider time) : IFhirAccessPolicy
{
    private readonly HashSet<string> _patientWritable = patientWritable.Select(t => t.Type).ToHashSet(StringComparer.Ordinal);

    /// <summary>Types a practice manager may read and manage: the practice's organisation, not patients' care.</summary>
    public static readonly IReadOnlySet<string> AdministrativeTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Practitioner", "PractitionerRole", "Organization", "Location", "HealthcareService", "Endpoint", "Schedule", "Slot",
    };

    private readonly ConcurrentDictionary<string, (string? Organization, DateTimeOffset Until)> _patientOrganizations = new(StringComparer.Ordinal);

    public void CheckInteraction(ClaimsPrincipal principal, FhirInteraction interaction, string? type)
    {
        if (principal.Identity?.IsAuthenticated != true)
            throw FhirSecurity.Unauthorized("A bearer access token is required (SMART on FHIR); see /.well-known/smart-configuration",
                principal.FindFirst("token_error")?.Value);
        if (type == "AuditEvent" && interaction is FhirInteraction.Create or FhirInteraction.Update or FhirInteraction.Patch or FhirInteraction.Delete)
            throw FhirSecurity.Forbidden("AuditEvents are written by the server only; they cannot be created, changed or deleted through the API");
        var kind = principal.FindFirstValue(TokenClaims.Kind);
        var permission = SmartScope.PermissionFor(interaction);
        var scopes = Scopes(principal, kind);
        var target = type ?? "*";
        if (!scopes.Any(s => s.Allows(target, permission) || (type is null && s.Type == "*" && s.Permissions.Contains(permission))))
            throw FhirSecurity.Forbidden($"The token's scopes do not allow '{permission}' on {target}");
        if (kind != TokenClaims.KindSystem && interaction is FhirInteraction.HistoryType or FhirInteraction.HistorySystem)
            throw FhirSecurity.Forbidden("History across records is available to system clients only; read a resource's own history instead");
        if (principal.FindFirstValue(TokenClaims.Role) == StaffRoles.Praktijkmanager && (type is null || !AdministrativeTypes.Contains(type)))
            throw FhirSecurity.Forbidden("A practice manager manages accounts and the practice, and has no access to medical content");
    }

    public async ValueTask AuthorizeAsync(FhirAccessRequest request, CancellationToken ct = default)
    {
        var principal = request.Principal;
        CheckInteraction(principal, request.Interaction, request.Type);
        var type = request.Type;
        var kind = principal.FindFirstValue(TokenClaims.Kind);
        var writes = request.Interaction is FhirInteraction.Create or FhirInteraction.Update or FhirInteraction.Patch or FhirInteraction.Delete;
        if (writes && kind == TokenClaims.KindPatient && !request.PortalRules && (type is null || !_patientWritable.Contains(type)))
            throw FhirSecurity.Forbidden($"The record is written by the practice. Through the FHIR API a patient or parent writes only "
                + $"{(_patientWritable.Count == 0 ? "nothing" : string.Join(", ", _patientWritable.Order(StringComparer.Ordinal)))}; e-consults and repeat "
                + "prescriptions go through the portal, which applies the practice's rules.");
        if (writes && request.Resource is null && request.Incoming is null && kind != TokenClaims.KindSystem)
            throw FhirSecurity.Forbidden("Conditional writes and batch/transaction Bundles are available to system clients only");
        if (type is null && request.Interaction == FhirInteraction.Create
            && !"cruds".All(p => Scopes(principal, kind).Any(s => s.Type == "*" && s.Permissions.Contains(p))))
            throw FhirSecurity.Forbidden("A batch or transaction Bundle needs a system/*.cruds scope");
        var patients = new HashSet<string>(StringComparer.Ordinal);
        if (type is not null)
        {
            if (request.Resource is { } current)
                patients.UnionWith(compartment.PatientsOf(type, current));
            else if (!request.StoredJson.IsEmpty)
                patients.UnionWith(PatientsOfStored(type, request.Id, request.StoredJson));
            if (request.Incoming is { } incoming) patients.UnionWith(compartment.PatientsOf(type, incoming));
        }
        string? onBehalfOf = null;
        if (kind == TokenClaims.KindPatient && type is not null && (patients.Count > 0 || compartment.IsPatientData(type)))
        {
            var allowed = await AllowedPatientsAsync(principal, ct);
            // No patient found means a write that names nobody, or a read of something absent or deleted: neither is theirs.
            if (patients.Count == 0)
                throw FhirSecurity.Forbidden($"{type}/{request.Id} is not in a record you have access to");
            foreach (var patient in patients)
            {
                if (!allowed.Contains(patient))
                    throw FhirSecurity.Forbidden($"{type}/{request.Id} is not in a record you have access to");
            }
            var self = principal.FindFirstValue(TokenClaims.FhirUser);
            if (patients.Count > 0 && self is not null && !patients.Contains(self["Patient/".Length..]))
                onBehalfOf = $"Patient/{patients.First()}";
        }
        else if (kind == TokenClaims.KindStaff && patients.Count > 0)
        {
            var organization = principal.FindFirstValue(TokenClaims.Organization);
            foreach (var patient in patients)
            {
                if (organization is null || await OrganizationOfAsync(patient, ct) != organization)
                    throw FhirSecurity.Forbidden($"Patient/{patient} is not a patient of your practice");
            }
        }
        if (patients.Count > 0)
        {
            IReadOnlyList<FhirAccessRecord> resources = type is not null && request.Id is not null
                ? [new FhirAccessRecord(request.Interaction, type, request.Id, patients)]
                : [];
            await log.RecordAsync(Entry(principal, request, patients, resources, onBehalfOf), ct);
        }
    }

    public async ValueTask RecordAsync(ClaimsPrincipal principal, IReadOnlyList<FhirAccessRecord> records, CancellationToken ct = default)
    {
        // A patient's searches are limited to records they may see; what is not their own is on a child's behalf.
        var self = principal.FindFirstValue(TokenClaims.Kind) == TokenClaims.KindPatient
            && principal.FindFirstValue(TokenClaims.FhirUser) is { } fu && fu.StartsWith("Patient/", StringComparison.Ordinal) ? fu["Patient/".Length..] : null;
        foreach (var group in records.GroupBy(r => (r.Interaction, OnBehalfOf: self is not null && r.Patients is { Count: > 0 } p && !p.Contains(self) ? $"Patient/{p.First()}" : null)))
        {
            var request = new FhirAccessRequest(principal, group.Key.Interaction, null, null);
            await log.RecordAsync(Entry(principal, request, [], group.ToList(), group.Key.OnBehalfOf), ct);
        }
    }

    public async ValueTask<CompartmentRestriction> GetSearchRestrictionAsync(ClaimsPrincipal principal, string? type, CancellationToken ct = default)
    {
        CheckInteraction(principal, FhirInteraction.Search, type);
        return principal.FindFirstValue(TokenClaims.Kind) switch
        {
            TokenClaims.KindSystem => CompartmentRestriction.None,
            TokenClaims.KindPatient => new CompartmentRestriction(await AllowedPatientsAsync(principal, ct), null),
            _ => new CompartmentRestriction(null, principal.FindFirstValue(TokenClaims.Organization) ?? "-"),
        };
    }

    /// <summary>
    /// The patients a patient's token reaches now: with patient/ scopes only the launch patient; with
    /// user/ scopes the person's own record and the children the WGBO rules allow today.
    /// </summary>
    private async Task<IReadOnlySet<string>> AllowedPatientsAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var self = principal.FindFirstValue(TokenClaims.FhirUser) is { } fu && fu.StartsWith("Patient/", StringComparison.Ordinal) ? fu["Patient/".Length..] : null;
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        var scopes = Scopes(principal, TokenClaims.KindPatient);
        if (scopes.Any(s => s.Context == "patient") && principal.FindFirstValue(TokenClaims.Patient) is { } launch)
        {
            if (launch == self || (self is not null && await proxies.DecideAsync(self, launch, ct) == ProxyDecision.Allowed))
                allowed.Add(launch);
        }
        if (scopes.Any(s => s.Context == "user") && self is not null)
        {
            allowed.Add(self);
            foreach (var child in proxies.ChildrenOf(self))
            {
                if (await proxies.DecideAsync(self, child.ChildPatientId, ct) == ProxyDecision.Allowed)
                    allowed.Add(child.ChildPatientId);
            }
        }
        return allowed;
    }

    /// <summary>The patients of a stored resource, parsing it only for compartment types (a Patient is its own, by its id).</summary>
    private IReadOnlyCollection<string> PatientsOfStored(string type, string? id, ReadOnlyMemory<byte> json)
    {
        if (type == "Patient" && id is not null)
            return [id];
        if (!compartment.IsPatientData(type))
            return [];
        using var document = JsonDocument.Parse(json);
        return compartment.PatientsOf(type, document.RootElement);
    }

    private async Task<string?> OrganizationOfAsync(string patientId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_patientOrganizations.TryGetValue(patientId, out var cached) && cached.Until > now)
            return cached.Organization;
        var patient = await store.ReadAsync("Patient", patientId, ct);
        string? organization = null;
        if (patient is { IsDeleted: false, Json: not null })
        {
            using var doc = JsonDocument.Parse(patient.Json);
            organization = AccountService.ManagingOrganization(doc.RootElement);
        }
        _patientOrganizations[patientId] = (organization, now.AddMinutes(1));
        return organization;
    }

    /// <summary>Parsed scopes by kind and scope string: every request of a token asks the same, twice.</summary>
    private static readonly ConcurrentDictionary<(bool System, string Scope), SmartScope[]> ParsedScopes = new();

    private static SmartScope[] Scopes(ClaimsPrincipal principal, string? kind)
    {
        var key = (kind == TokenClaims.KindSystem, principal.FindFirstValue(TokenClaims.Scope) ?? "");
        if (ParsedScopes.TryGetValue(key, out var parsed))
            return parsed;
        var contexts = key.Item1 ? new[] { "system" } : ["patient", "user"];
        parsed = TokenService.Split(key.Item2).Select(SmartScope.Parse)
            .Where(s => s is not null && contexts.Contains(s.Context)).Select(s => s!).ToArray();
        if (ParsedScopes.Count >= 10_000)
            ParsedScopes.Clear();
        ParsedScopes[key] = parsed;
        return parsed;
    }

    private AccessLogEntry Entry(ClaimsPrincipal principal, FhirAccessRequest request, IReadOnlyCollection<string> patients,
        IReadOnlyList<FhirAccessRecord> resources, string? onBehalfOf)
    {
        var (action, code) = request.Interaction switch
        {
            FhirInteraction.Create => ("C", "create"),
            FhirInteraction.Update => ("U", "update"),
            FhirInteraction.Patch => ("U", "patch"),
            FhirInteraction.Delete => ("D", "delete"),
            FhirInteraction.Search => ("E", "search-type"),
            FhirInteraction.VRead => ("R", "vread"),
            FhirInteraction.HistoryInstance => ("R", "history-instance"),
            _ => ("R", "read"),
        };
        var kind = principal.FindFirstValue(TokenClaims.Kind);
        var who = principal.FindFirstValue(TokenClaims.Name) ?? principal.FindFirstValue("sub") ?? "?";
        return new AccessLogEntry(time.GetUtcNow(), action, code, patients, resources, who, kind == TokenClaims.KindSystem ? null : principal.FindFirstValue(TokenClaims.FhirUser),
            kind == TokenClaims.KindSystem ? "systeem" : principal.FindFirstValue(TokenClaims.Role) ?? "patiënt",
            principal.FindFirstValue(TokenClaims.Organization), onBehalfOf, principal.FindFirstValue(TokenClaims.ClientId));
    }
}
