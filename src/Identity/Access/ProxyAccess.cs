using System.Text.Json;
using Fhir.Server.Store;
using Identity.Storage;

namespace Identity.Access;

public enum ProxyDecision { Allowed, NotRegistered, ChildConsentNeeded, WrittenConsentNeeded, ConsentWithdrawn, ChildUnknown }

/// <summary>A parent's access to a child's record as registered by the practice.</summary>
public sealed record ProxyRelation(string ParentPatientId, string ChildPatientId, DateTimeOffset Registered,
    DateTimeOffset? ChildConsent, DateTimeOffset? WrittenConsent, DateTimeOffset? Withdrawn);

/// <summary>
/// Proxy access for children by Dutch law (WGBO, art. 7:457 and 7:465 BW): under 12 a parent with
/// authority (gezag) registered by the practice; from 12 to 16 only with the child's recorded consent;
/// from 16 only with written consent the child gives at 16 or later. Access ends by itself on the 16th
/// birthday and when the child withdraws consent. Ages are counted in the Europe/Amsterdam calendar.
/// </summary>
public sealed class ProxyAccess(IdentityDb db, IResourceStore fhir, TimeProvider time)
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    public static ProxyDecision Decide(ProxyRelation relation, DateOnly birthDate, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Amsterdam).DateTime);
        var twelve = birthDate.AddYears(12);
        var sixteen = birthDate.AddYears(16);
        if (today < twelve)
            return ProxyDecision.Allowed;
        if (relation.Withdrawn is { } withdrawn && withdrawn >= (relation.WrittenConsent ?? relation.ChildConsent ?? DateTimeOffset.MinValue))
            return ProxyDecision.ConsentWithdrawn;
        if (today < sixteen)
            return relation.ChildConsent is not null ? ProxyDecision.Allowed : ProxyDecision.ChildConsentNeeded;
        var consentDay = relation.WrittenConsent is { } written ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(written, Amsterdam).DateTime) : (DateOnly?)null;
        return consentDay is { } day && day >= sixteen ? ProxyDecision.Allowed : ProxyDecision.WrittenConsentNeeded;
    }

    public ProxyRelation? Find(string parentPatientId, string childPatientId) => db.Single(
        "SELECT * FROM identity_proxy WHERE parent_patient_id = @p AND child_patient_id = @c", Map, ("@p", parentPatientId), ("@c", childPatientId));

    public IReadOnlyList<ProxyRelation> ChildrenOf(string parentPatientId) =>
        db.Query("SELECT * FROM identity_proxy WHERE parent_patient_id = @p ORDER BY child_patient_id", Map, ("@p", parentPatientId));

    /// <summary>Every parent registered for the child, whether or not they may act for the child today (use <see cref="Decide"/>).</summary>
    public IReadOnlyList<ProxyRelation> ParentsOf(string childPatientId) =>
        db.Query("SELECT * FROM identity_proxy WHERE child_patient_id = @c ORDER BY parent_patient_id", Map, ("@c", childPatientId));

    /// <summary>The practice records that this parent has gezag over the child.</summary>
    public void RegisterGezag(string parentPatientId, string childPatientId) => db.Execute(
        "INSERT OR IGNORE INTO identity_proxy (parent_patient_id, child_patient_id, registered_utc) VALUES (@p, @c, @now)",
        ("@p", parentPatientId), ("@c", childPatientId), ("@now", IdentityDb.Time(time.GetUtcNow())));

    /// <summary>A child of 12 to 16 consents to the parent's access.</summary>
    public void RecordChildConsent(string parentPatientId, string childPatientId, DateTimeOffset? at = null) => db.Execute(
        "UPDATE identity_proxy SET child_consent_utc = @t, withdrawn_utc = NULL WHERE parent_patient_id = @p AND child_patient_id = @c",
        ("@t", IdentityDb.Time(at ?? time.GetUtcNow())), ("@p", parentPatientId), ("@c", childPatientId));

    /// <summary>A child of 16 or older gives written consent (machtiging).</summary>
    public void RecordWrittenConsent(string parentPatientId, string childPatientId, DateTimeOffset? at = null) => db.Execute(
        "UPDATE identity_proxy SET written_consent_utc = @t, withdrawn_utc = NULL WHERE parent_patient_id = @p AND child_patient_id = @c",
        ("@t", IdentityDb.Time(at ?? time.GetUtcNow())), ("@p", parentPatientId), ("@c", childPatientId));

    public void WithdrawConsent(string parentPatientId, string childPatientId) => db.Execute(
        "UPDATE identity_proxy SET withdrawn_utc = @t WHERE parent_patient_id = @p AND child_patient_id = @c",
        ("@t", IdentityDb.Time(time.GetUtcNow())), ("@p", parentPatientId), ("@c", childPatientId));

    /// <summary>Whether the parent may act for the child now.</summary>
    public async Task<ProxyDecision> DecideAsync(string parentPatientId, string childPatientId, CancellationToken ct = default)
    {
        var relation = Find(parentPatientId, childPatientId);
        if (relation is null)
            return ProxyDecision.NotRegistered;
        var child = await fhir.ReadAsync("Patient", childPatientId, ct);
        if (child is not { IsDeleted: false, Json: not null })
            return ProxyDecision.ChildUnknown;
        using var doc = JsonDocument.Parse(child.Json);
        if (!doc.RootElement.TryGetProperty("birthDate", out var bd) || !DateOnly.TryParseExact(bd.GetString(), "yyyy-MM-dd", out var birthDate))
            return ProxyDecision.ChildUnknown;
        return Decide(relation, birthDate, time.GetUtcNow());
    }

    public static string Explain(ProxyDecision decision) => decision switch
    {
        ProxyDecision.Allowed => "U heeft toegang tot dit dossier.",
        ProxyDecision.NotRegistered => "De praktijk heeft u niet geregistreerd als gezaghebbende ouder van dit kind.",
        ProxyDecision.ChildConsentNeeded => "Uw kind is 12 jaar of ouder. U heeft alleen toegang als uw kind daar zelf toestemming voor geeft.",
        ProxyDecision.WrittenConsentNeeded => "Uw kind is 16 jaar of ouder. U heeft alleen toegang met schriftelijke toestemming van uw kind.",
        ProxyDecision.ConsentWithdrawn => "Uw kind heeft de toestemming voor uw toegang ingetrokken.",
        _ => "Dit dossier is niet beschikbaar.",
    };

    private static ProxyRelation Map(Microsoft.Data.Sqlite.SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), IdentityDb.ParseTime(r.GetString(2)),
        IdentityDb.ParseTime(r, "child_consent_utc"), IdentityDb.ParseTime(r, "written_consent_utc"), IdentityDb.ParseTime(r, "withdrawn_utc"));
}
