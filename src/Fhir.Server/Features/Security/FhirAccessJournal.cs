using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Features.Security;

/// <summary>
/// One resource a request served or changed, for the access log. <see cref="Patients"/> are the
/// patients whose record it belongs to when the door already knows them (search reads them from the
/// index); null leaves it to the access log to derive them from <see cref="Json"/> off the request path.
/// <see cref="Query"/> is the FHIR search that returned it, if it came from one: the access log then records
/// the search and the patients it reached rather than each resource (IHE BALP's Query pattern).
/// </summary>
public sealed record FhirAccessRecord(FhirInteraction Interaction, string Type, string Id, IReadOnlyCollection<string>? Patients,
    ReadOnlyMemory<byte> Json = default, string? Query = null);

/// <summary>
/// What one /fhir request touched beyond the single resource <see cref="FhirAccessFilter"/> authorised
/// up front: the matches and includes of a search, the entries of a batch or transaction, the target
/// of a conditional write. The filter hands it to <see cref="IFhirAccessPolicy.RecordAsync"/> once the
/// request succeeded, so every door logs per patient without knowing about the access log.
/// Bundle entries are also checked against the policy's scope rules as they are met.
/// </summary>
public sealed class FhirAccessJournal(ClaimsPrincipal principal, IFhirAccessPolicy policy)
{
    private readonly Lock _gate = new();
    private readonly List<FhirAccessRecord> _records = [];

    public ClaimsPrincipal Principal => principal;

    /// <summary>The scope check of the policy for one interaction inside this request (a bundle entry).</summary>
    public void Check(FhirInteraction interaction, string? type) => policy.CheckInteraction(principal, interaction, type);

    public void Add(FhirAccessRecord record)
    {
        lock (_gate)
            _records.Add(record);
    }

    public IReadOnlyList<FhirAccessRecord> Records
    {
        get
        {
            lock (_gate)
                return _records.Count == 0 ? [] : _records.ToList();
        }
    }

    public static FhirAccessJournal? Of(HttpContext context) => context.Features.Get<FhirAccessJournal>();
}
