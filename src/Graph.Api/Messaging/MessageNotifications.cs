using System.Text.Json;
using Fhir.Server.Store;
using System.Globalization;
using Identity.Access;
using Identity.Accounts;
using Jobs.Notifications;

namespace Graph.Api.Messaging;

/// <summary>
/// The e-mail a patient gets when the practice sends a message (seed 000, step 4): only that there is
/// something to read, never the content, the topic or who wrote it. It hooks into every write of the
/// resource service, so a reply a HIS posts through FHIR notifies exactly like one from the portal, and
/// the notification is enqueued in the same transaction as the Communication: it exists exactly when
/// the message does. The jobs module sends it.
/// <para>
/// A child's messages are announced to the child's own account (if any) and to every parent who may
/// act for the child on that day by the WGBO rules (<see cref="ProxyAccess.Decide"/>), each by their
/// own e-mail setting.
/// </para>
/// </summary>
public sealed class MessageNotifications(AccountStore accounts, PortalState state, ProxyAccess proxies, NotificationOutbox outbox, TimeProvider time) : IResourceIndexer
{
    private sealed record Announcement(string PatientId, NotificationRequest? Own, IReadOnlyList<(ProxyRelation Relation, NotificationRequest Request)> Parents);

    public const string Subject = "U heeft een nieuw bericht";

    public static string Body(string displayName) => $"""
        Beste {displayName},

        Er staat een nieuw bericht van uw huisartsenpraktijk voor u klaar in het patiëntenportaal. Log in om het te lezen.

        Dit is een automatisch bericht; u kunt hier niet op antwoorden.
        """;

    public static string DedupeKey(string communicationId) => $"econsult-message:Communication/{communicationId}";

    /// <summary>The key of the announcement of a child's message to one parent.</summary>
    public static string DedupeKey(string communicationId, string parentPatientId) => $"econsult-message:Communication/{communicationId}:Patient/{parentPatientId}";

    /// <summary>Outside the write lock: is this a practice message to a patient who wants e-mail? Then the request, else null.</summary>
    public object? Prepare(string type, JsonElement resource)
    {
        if (type != "Communication" || !IsEConsult(resource))
            return null;
        var sender = resource.TryGetProperty("sender", out var s) && s.TryGetProperty("reference", out var r) ? r.GetString() ?? "" : "";
        if (sender.StartsWith("Patient/", StringComparison.Ordinal) || sender.StartsWith("RelatedPerson/", StringComparison.Ordinal))
            return null;
        var subject = resource.TryGetProperty("subject", out var subj) && subj.TryGetProperty("reference", out var sr) ? sr.GetString() : null;
        if (subject is null || !subject.StartsWith("Patient/", StringComparison.Ordinal))
            return null;
        var patientId = subject["Patient/".Length..];
        var parents = proxies.ParentsOf(patientId)
            .Select(r => (Relation: r, Request: For(r.ParentPatientId)))
            .Where(p => p.Request is not null)
            .Select(p => (p.Relation, p.Request!))
            .ToList();
        var own = For(patientId);
        return own is null && parents.Count == 0 ? null : new Announcement(patientId, own, parents);
    }

    /// <summary>Only the first version of a message notifies; later versions (status changes) do not.</summary>
    public void Index(IWriteSession session, StoredResource stored, object? prepared)
    {
        if (prepared is not Announcement announcement || stored.Version != 1 || stored.IsDeleted)
            return;
        if (announcement.Own is { } own)
            outbox.Enqueue(session, own with { DedupeKey = DedupeKey(stored.Id) });
        if (announcement.Parents.Count == 0 || BirthDate(session, announcement.PatientId) is not { } birthDate)
            return;
        var now = time.GetUtcNow();
        foreach (var (relation, request) in announcement.Parents)
        {
            if (ProxyAccess.Decide(relation, birthDate, now) == ProxyDecision.Allowed)
                outbox.Enqueue(session, request with { DedupeKey = DedupeKey(stored.Id, relation.ParentPatientId) });
        }
    }

    private static DateOnly? BirthDate(IWriteSession session, string patientId)
    {
        if (session.ReadCurrent("Patient", patientId) is not { IsDeleted: false, Json: { } json })
            return null;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("birthDate", out var b) && b.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(b.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    /// <summary>The notification for a new practice message to this patient, or null when they have no active account or do not want e-mail.</summary>
    public NotificationRequest? For(string patientId)
    {
        if (!state.EmailOnNewMessage(patientId))
            return null;
        var account = accounts.FindByPatient(patientId);
        if (account is not { IsActive: true } || string.IsNullOrWhiteSpace(account.Email))
            return null;
        return new NotificationRequest(NotificationKind.Email, account.Email, Subject, Body(account.DisplayName), DedupeKey: "-");
    }

    private static bool IsEConsult(JsonElement resource)
    {
        if (!resource.TryGetProperty("category", out var categories) || categories.ValueKind != JsonValueKind.Array)
            return false;
        foreach (var category in categories.EnumerateArray())
        {
            if (!category.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array) continue;
            foreach (var coding in codings.EnumerateArray())
            {
                if (coding.TryGetProperty("system", out var system) && system.GetString() == KnownEConsult.CategorySystem
                    && coding.TryGetProperty("code", out var code) && code.GetString() == KnownEConsult.EConsult)
                    return true;
            }
        }
        return false;
    }
}
