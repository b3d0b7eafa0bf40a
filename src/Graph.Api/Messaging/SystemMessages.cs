using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Store;
using Identity.Accounts;
using Jobs.Notifications;
using Microsoft.Extensions.Logging;

namespace Graph.Api.Messaging;

/// <summary>
/// Messages the portal itself leaves for a patient in Systeemberichten (seed 003, 4.13): confirmations
/// and notices from events such as an appointment, a repeat prescription or an e-mail that could not
/// be delivered. Each is a FHIR Communication of category systeembericht, sent by the patient's
/// practice, closed for replies. One event gives one message: the id is derived from the event key
/// and the message is only written when it does not exist yet, in the same write transaction.
/// System messages do not trigger the "u heeft een nieuw bericht" e-mail.
/// </summary>
public sealed class SystemMessages(ResourceService resources, IResourceStore store, TimeProvider time)
{
    /// <summary>
    /// Leaves a system message for <paramref name="patientId"/>, once per <paramref name="eventKey"/>
    /// (name the event: <c>appointment-booked:Appointment/123</c>). Returns the Communication id.
    /// </summary>
    public async Task<string> PostAsync(string patientId, string topic, string text, string eventKey, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventKey);
        var id = IdFor(eventKey);
        var existing = await store.ReadAsync("Communication", id, ct);
        if (existing is { IsDeleted: false })
            return id;
        var patient = await resources.ReadAsync("Patient", patientId, ct);
        using var patientDoc = JsonDocument.Parse(patient.Json!);
        var practice = patientDoc.RootElement.TryGetProperty("managingOrganization", out var org) && org.TryGetProperty("reference", out var r) ? r.GetString() : null;
        if (practice is null)
            throw new InvalidOperationException($"Patient/{patientId} has no managingOrganization; a system message is sent by the patient's practice.");
        var json = new JsonObject
        {
            ["resourceType"] = "Communication",
            ["id"] = id,
            ["meta"] = new JsonObject { ["profile"] = new JsonArray(KnownEConsult.Profile) },
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = KnownEConsult.SystemMessageEventSystem, ["value"] = eventKey }),
            ["status"] = "completed",
            ["category"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = KnownEConsult.CategorySystem, ["code"] = KnownEConsult.SystemMessage, ["display"] = "Systeembericht" }),
            }),
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["topic"] = new JsonObject { ["text"] = topic.Trim() },
            ["sent"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["recipient"] = new JsonArray(new JsonObject { ["reference"] = $"Patient/{patientId}" }),
            ["sender"] = new JsonObject { ["reference"] = practice },
            ["payload"] = new JsonArray(new JsonObject { ["contentString"] = text.Trim() }),
            ["extension"] = new JsonArray(new JsonObject { ["url"] = KnownEConsult.ClosedForPatient, ["valueBoolean"] = true }),
        };
        using var doc = JsonDocument.Parse(json.ToJsonString());
        var validated = resources.Validate(doc.RootElement, "Communication");
        await store.WriteAsync(session => session.ReadCurrent("Communication", id) is { IsDeleted: false } current
            ? current
            : resources.PutIn(session, validated, id, ifMatch: null, method: "POST").Resource, ct);
        return id;
    }

    /// <summary>The Communication id of an event's system message: a hash of the key, so the same event always names the same message.</summary>
    public static string IdFor(string eventKey) =>
        "sys-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventKey)))[..40];
}

/// <summary>
/// When an e-mail or text message to a patient could not be delivered, the patient finds a system
/// message saying so the next time they log in, with the address to check, and nothing about what
/// the notification was about.
/// </summary>
public sealed class UndeliveredNotificationMessages(AccountStore accounts, SystemMessages messages, ILogger<UndeliveredNotificationMessages> logger)
    : INotificationFailureListener
{
    public const string Topic = "Melding niet bezorgd";

    public static string Text(FailedNotification n) => n.Kind == NotificationKind.Sms
        ? $"Wij konden u geen sms sturen op {n.Recipient}. Controleer uw telefoonnummer, of vraag de praktijk het aan te passen."
        : $"Wij konden u geen e-mail sturen op {n.Recipient}. Daardoor heeft u misschien geen melding gekregen van een nieuw bericht. "
          + "Kijk in uw berichten en controleer uw e-mailadres, of vraag de praktijk het aan te passen.";

    public async Task OnFailedAsync(FailedNotification notification, CancellationToken ct)
    {
        var account = notification.Kind == NotificationKind.Email
            ? accounts.FindByEmail(notification.Recipient)
            : accounts.All().FirstOrDefault(a => a.Phone == notification.Recipient);
        if (account?.PatientId is not { } patientId)
            return;
        var id = await messages.PostAsync(patientId, Topic, Text(notification), $"notification-failed:{notification.Id}", ct);
        logger.LogInformation("Notification {Notification} could not be delivered; system message Communication/{Message} left for Patient/{Patient}",
            notification.Id, id, patientId);
    }
}
