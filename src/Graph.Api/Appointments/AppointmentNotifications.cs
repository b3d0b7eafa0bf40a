using System.Globalization;
using System.Text.Json;
using Fhir.Server.Store;
using Graph.Api.Appointments.Storage;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Identity.Accounts;
using Jobs.Notifications;
using NodaTime;

namespace Graph.Api.Appointments;

/// <summary>
/// E-mails about web appointments, enqueued in the durable outbox inside the write that causes them
/// (so they exist exactly when the change does): a confirmation on booking, a notice when the
/// appointment is moved or cancelled (by the patient or by the practice), and the reminder N hours
/// before (<see cref="AppointmentReminderJob"/>). They say when and with whom, never why: the reason
/// and the visit type stay in the portal.
/// </summary>
public sealed class AppointmentNotifications(AccountStore accounts, NotificationOutbox outbox, AppointmentDb db)
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    public void OnWrite(IWriteSession session, StoredResource stored, AppointmentRow? before, AppointmentRow now, AppointmentIndexer.WriterKind writer, string? writerRef)
    {
        if (!now.Web || now.Start is not { } start)
            return;
        var wasActive = before is { Active: true };
        string? subject = null, what = null, key = null;
        var byPractice = writer != AppointmentIndexer.WriterKind.Patient;
        if (!wasActive && now.Active)
        {
            (subject, what, key) = ("Bevestiging van uw afspraak", "Uw afspraak is gemaakt.", $"appointment-booked:Appointment/{stored.Id}/{stored.Version}");
        }
        else if (wasActive && !now.Active)
        {
            (subject, what, key) = ("Uw afspraak is geannuleerd", byPractice ? "De praktijk heeft uw afspraak geannuleerd." : "Uw afspraak is geannuleerd.",
                $"appointment-cancelled:Appointment/{stored.Id}/{stored.Version}");
        }
        else if (wasActive && now.Active && (before!.Start != now.Start || before.ScheduleId != now.ScheduleId))
        {
            (subject, what, key) = ("Uw afspraak is verzet", byPractice ? "De praktijk heeft uw afspraak verzet." : "Uw afspraak is gewijzigd.",
                $"appointment-moved:Appointment/{stored.Id}/{stored.Version}");
        }
        if (subject is null)
            return;
        var recipient = Recipient(now.PatientId, writerRef);
        if (recipient is null)
            return;
        var with = now.ActorRef is { } actor ? NameOf(session, actor) : null;
        var practice = PracticeOf(session, now.ScheduleId);
        var body = Body(recipient.DisplayName, what!, start, with, practice, byPractice && writer == AppointmentIndexer.WriterKind.Staff);
        outbox.Enqueue(session, new NotificationRequest(NotificationKind.Email, recipient.Email, subject, body, key!));
    }

    public static string Body(string name, string what, Instant start, string? with, string? practice, bool practiceMessage) =>
        $"""
        Beste {name},

        {what}
        {(what.Contains("geannuleerd", StringComparison.Ordinal) ? "Het ging om de afspraak" : "Datum en tijd")}: {When(start)}{(with is null ? "" : $" bij {with}")}{(practice is null ? "" : $", {practice}")}.
        {(practiceMessage ? "Log in op het patiëntenportaal voor het bericht van de praktijk.\n" : "")}
        U vindt uw afspraken in het patiëntenportaal onder Mijn afspraken. Heeft u een spoedeisende klacht? Bel dan altijd de praktijk.

        Dit is een automatisch bericht; u kunt hier niet op antwoorden.
        """;

    public static string When(Instant start) =>
        DutchCalendar.ToLocal(start).ToString("dddd d MMMM yyyy 'om' HH:mm", Dutch);

    /// <summary>The patient's own account; for a child without one, the parent who made the change.</summary>
    public Account? Recipient(string? patientId, string? writerRef)
    {
        if (patientId is not null && accounts.FindByPatient(patientId) is { IsActive: true } own && !string.IsNullOrWhiteSpace(own.Email))
            return own;
        if (writerRef is not null && writerRef.StartsWith("Patient/", StringComparison.Ordinal)
            && accounts.FindByPatient(writerRef["Patient/".Length..]) is { IsActive: true } parent && !string.IsNullOrWhiteSpace(parent.Email))
            return parent;
        return null;
    }

    private static string? NameOf(IWriteSession session, string reference)
    {
        var slash = reference.IndexOf('/');
        if (slash <= 0 || session.ReadCurrent(reference[..slash], reference[(slash + 1)..]) is not { IsDeleted: false, Json: { } json })
            return null;
        using var doc = JsonDocument.Parse(json);
        return MessagingService.NameOf(doc.RootElement);
    }

    private string? PracticeOf(IWriteSession session, string? scheduleId) =>
        scheduleId is not null && db.Agenda(scheduleId, session.Connection) is { } agenda ? NameOf(session, $"Organization/{agenda.OrganizationId}") : null;
}
