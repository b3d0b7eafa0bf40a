using Fhir.Server.Features.Security;
using Fhir.Server.Store;

namespace Fhir.Server.Search;

/// <summary>
/// What other features need from search: conditional interactions and conditional references
/// (https://hl7.org/fhir/R4/http.html#cond-update) and GET entries in bundles.
/// </summary>
public interface IFhirSearch
{
    /// <summary>
    /// Ids of current resources of <paramref name="type"/> matching <paramref name="query"/> (a URL
    /// query string such as <c>identifier=http://fhir.nl/fhir/NamingSystem/bsn|123</c>), at most
    /// <paramref name="limit"/>. With a session, the caller's open transaction is searched, so its own
    /// uncommitted writes count. Unknown parameters are a 400 FhirException.
    /// </summary>
    IReadOnlyList<string> FindIds(IWriteSession? session, string type, string query, int limit);

    /// <summary>A searchset Bundle, as GET [base]/[type]?[query] answers it.</summary>
    Task<byte[]> SearchBundleAsync(string? type, string query, string baseUrl, CancellationToken ct);

    /// <summary>As <see cref="SearchBundleAsync(string?, string, string, CancellationToken)"/>, recording what it found for the access log.</summary>
    Task<byte[]> SearchBundleAsync(string? type, string query, string baseUrl, FhirAccessJournal? access, CancellationToken ct) =>
        SearchBundleAsync(type, query, baseUrl, ct);
}
