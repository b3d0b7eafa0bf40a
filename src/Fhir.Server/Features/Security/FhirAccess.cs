using System.Security.Claims;
using System.Text.Json;
using Fhir.Server.Features.Outcomes;

namespace Fhir.Server.Features.Security;

/// <summary>The FHIR interactions a policy decides on. https://hl7.org/fhir/R4/http.html</summary>
public enum FhirInteraction
{
    Read,
    VRead,
    HistoryInstance,
    HistoryType,
    HistorySystem,
    Search,
    Create,
    Update,
    Patch,
    Delete,
    Validate,
}

/// <summary>
/// One access decision. <see cref="Resource"/> is the stored resource for reads and the current version
/// for updates, patches and deletes; <see cref="Incoming"/> is the body a create or update would store.
/// A plain read may give the stored resource as <see cref="StoredJson"/> instead, unparsed, so that the
/// policy parses it only when it needs what is inside (the patients of a compartment resource).
/// <see cref="PortalRules"/> is true for a write by a portal service that applied the practice's rules for it
/// (booking, e-consult, repeat prescription); through FHIR REST a patient writes only a <see cref="PatientWritableType"/>.
/// </summary>
public sealed record FhirAccessRequest(
    ClaimsPrincipal Principal,
    FhirInteraction Interaction,
    string? Type,
    string? Id,
    JsonElement? Resource = null,
    JsonElement? Incoming = null,
    ReadOnlyMemory<byte> StoredJson = default,
    bool PortalRules = false);

/// <summary>
/// Whose records a principal may search: null patient ids means no patient restriction (a system
/// client); otherwise only resources in the patient compartment of one of <see cref="PatientIds"/>,
/// and, when <see cref="OrganizationId"/> is set, patients managed by that organisation.
/// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
/// </summary>
public sealed record CompartmentRestriction(IReadOnlySet<string>? PatientIds, string? OrganizationId)
{
    public static readonly CompartmentRestriction None = new(null, null);
}

/// <summary>
/// The one access policy of the server, called by every door (FHIR REST, search, GraphQL) before it
/// touches patient data. An allowed access is also written to the access log (NEN 7513), so callers
/// do not log separately. Denials are <see cref="FhirException"/>s: 401 without a valid token, 403
/// when the token does not reach the data.
/// </summary>
public interface IFhirAccessPolicy
{
    /// <summary>Before any data is touched: is there a valid token, and do its scopes allow this interaction on this type?</summary>
    void CheckInteraction(ClaimsPrincipal principal, FhirInteraction interaction, string? type);

    /// <summary>With the data: may this principal see or change this resource? Logs the access when allowed.</summary>
    ValueTask AuthorizeAsync(FhirAccessRequest request, CancellationToken ct = default);

    /// <summary>For search: the restriction to apply to every match, including _include, _revinclude, chains and _has.</summary>
    ValueTask<CompartmentRestriction> GetSearchRestrictionAsync(ClaimsPrincipal principal, string? type, CancellationToken ct = default);

    /// <summary>
    /// After a request was served: logs what it touched beyond what <see cref="AuthorizeAsync"/> logged
    /// (search matches, bundle entries, conditional writes), per patient. Never blocks on the log's
    /// writer unless its queue is full.
    /// </summary>
    ValueTask RecordAsync(ClaimsPrincipal principal, IReadOnlyList<FhirAccessRecord> records, CancellationToken ct = default);
}

/// <summary>
/// A resource type whose writes by patients are checked inside the write transaction by rules that hold at every
/// door (the booking rules for Appointment), so a patient's app may write it through FHIR REST as well. Registered
/// by the module that enforces the rules; patients write no other type through FHIR REST.
/// </summary>
public sealed record PatientWritableType(string Type);

/// <summary>
/// Endpoint metadata: this search applies <see cref="IFhirAccessPolicy.GetSearchRestrictionAsync"/> to
/// every match itself. Search endpoints without it are open to system clients only, because their
/// results would not be limited to the caller's patients.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AppliesSearchRestrictionAttribute : Attribute;

/// <summary>Secure by default: without an identity module nothing but the CapabilityStatement is served.</summary>
public sealed class DenyAllAccessPolicy : IFhirAccessPolicy
{
    public void CheckInteraction(ClaimsPrincipal principal, FhirInteraction interaction, string? type) =>
        throw FhirSecurity.Unauthorized("No access policy is configured on this server");

    public ValueTask AuthorizeAsync(FhirAccessRequest request, CancellationToken ct = default) =>
        throw FhirSecurity.Unauthorized("No access policy is configured on this server");

    public ValueTask<CompartmentRestriction> GetSearchRestrictionAsync(ClaimsPrincipal principal, string? type, CancellationToken ct = default) =>
        throw FhirSecurity.Unauthorized("No access policy is configured on this server");

    public ValueTask RecordAsync(ClaimsPrincipal principal, IReadOnlyList<FhirAccessRecord> records, CancellationToken ct = default) =>
        throw FhirSecurity.Unauthorized("No access policy is configured on this server");
}

public static class FhirSecurity
{
    /// <summary>401 with the challenge of RFC 6750 section 3.</summary>
    public static FhirException Unauthorized(string diagnostics, string? error = null)
    {
        var challenge = error is null ? "Bearer realm=\"fhir\"" : $"Bearer realm=\"fhir\", error=\"{error}\"";
        return new FhirException(401, IssueCodes.Login, diagnostics) { Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = challenge } };
    }

    public static FhirException Forbidden(string diagnostics) =>
        new(403, IssueCodes.Forbidden, diagnostics)
        {
            Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"fhir\", error=\"insufficient_scope\"" },
        };
}
