using Identity.Accounts;
using Jobs.Notifications;

namespace Graph.Api.Messaging;

/// <summary>
/// The e-mail a patient gets when the practice sends a message (seed 000, step 4): only that there is
/// something to read, never the content, the topic or who wrote it. Enqueued in the same transaction as
/// the Communication, so it exists exactly when the message does; the jobs module sends it.
/// </summary>
public sealed class MessageNotifications(AccountStore accounts, PortalState state, NotificationOutbox outbox)
{
    public const string Subject = "U heeft een nieuw bericht";

    public static string Body(string displayName) => $"""
        Beste {displayName},

        Er staat een nieuw bericht van uw huisartsenpraktijk voor u klaar in het patiëntenportaal. Log in om het te lezen.

        Dit is een automatisch bericht; u kunt hier niet op antwoorden.
        """;

    /// <summary>The notification for a new practice message to this patient, or null when they have no active account or do not want e-mail.</summary>
    public NotificationRequest? For(string patientId)
    {
        if (!state.EmailOnNewMessage(patientId))
            return null;
        var account = accounts.FindByPatient(patientId);
        if (account is not { IsActive: true } || string.IsNullOrWhiteSpace(account.Email))
            return null;
        return new NotificationRequest(NotificationKind.Email, account.Email, Subject, Body(account.DisplayName), DedupeKey: "");
    }

    public void Enqueue(Fhir.Server.Store.IWriteSession session, NotificationRequest request, string communicationId) =>
        outbox.Enqueue(session, request with { DedupeKey = $"econsult-message:Communication/{communicationId}" });
}
