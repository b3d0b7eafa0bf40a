using System.Text.Json;
using Fhir.Server.Store;
using Identity.Accounts;
using Jobs.Notifications;

namespace Graph.Api.Messaging;

/// <summary>
/// The e-mail a patient gets when the practice sends a message (seed 000, step 4): only that there is
/// something to read, never the content, the topic or who wrote it. It hooks into every write of the
/// resource service, so a reply a HIS posts through FHIR notifies exactly like one from the portal, and
/// the notification is enqueued in the same transaction as the Communication: it exists exactly when
/// the message does. The jobs module sends it.
/// </summary>
public sealed class MessageNotifications(AccountStore accounts, PortalState state, NotificationOutbox outbox) : IResourceIndexer
{
    public const string Subject = "U heeft een nieuw bericht";

    public static string Body(string displayName) => $"""
        Beste {displayName},

        Er staat een nieuw bericht van uw huisartsenpraktijk voor u klaar in het patiëntenportaal. Log in om het te lezen.

        Dit is een automatisch bericht; u kunt hier niet op antwoorden.
        """;

    public static string DedupeKey(string communicationId) => $"econsult-message:Communication/{communicationId}";

    /// <summary>Outside the write lock: is this a practice message to a patient who wants e-mail? Then the request, else null.</summary>
    public object? Prepare(string type, JsonElement resource)
    {
        if (type != "Communication" || !IsEConsult(resource))
            return null;
        var sender = resource.TryGetProperty("sender", out var s) && s.TryGetProperty("reference", out var r) ? r.GetString() ?? "" : "";
        if (sender.StartsWith("Patient/", StringComparison.Ordinal) || sender.StartsWith("RelatedPerson/", StringComparison.Ordinal))
            return null;
        var subject = resource.TryGetProperty("subject", out var subj) && subj.TryGetProperty("reference", out var sr) ? sr.GetString() : null;
        return subject is not null && subject.StartsWith("Patient/", StringComparison.Ordinal) ? For(subject["Patient/".Length..]) : null;
    }

    /// <summary>Only the first version of a message notifies; later versions (status changes) do not.</summary>
    public void Index(IWriteSession session, StoredResource stored, object? prepared)
    {
        if (prepared is NotificationRequest request && stored.Version == 1 && !stored.IsDeleted)
            outbox.Enqueue(session, request with { DedupeKey = DedupeKey(stored.Id) });
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
