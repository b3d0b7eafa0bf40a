using Graph.Api.Appointments.Storage;
using Jobs.Notifications;
using NodaTime;
using Quartz;

namespace Graph.Api.Appointments;

/// <summary>
/// The reminder e-mail N hours before an appointment (seed 003: the patient chooses N; default 24).
/// Finds booked appointments whose reminder moment has come and enqueues one notification each with a
/// dedupe key naming the appointment and its start: a second host instance, a rerun after a crash or a
/// restart cannot send it twice, and a moved appointment gets a reminder for its new time.
/// </summary>
[DisallowConcurrentExecution]
public sealed class AppointmentReminderJob(AppointmentReminders reminders) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        reminders.EnqueueDue();
        return ValueTask.CompletedTask;
    }
}

public sealed class AppointmentReminders(AppointmentDb db, AppointmentNotifications notifications, NotificationOutbox outbox, TimeProvider time)
{
    /// <summary>The longest reminder a patient can choose (a week).</summary>
    public const int MaxHours = 168;

    public static string DedupeKey(string appointmentId, Instant start) =>
        $"appointment-reminder:Appointment/{appointmentId}/{start.ToUnixTimeMilliseconds()}";

    /// <returns>How many reminders were enqueued now.</returns>
    public int EnqueueDue()
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var count = 0;
        foreach (var row in db.Upcoming(now, now + Duration.FromHours(MaxHours)))
        {
            if (row.PatientId is null || row.Start is not { } start)
                continue;
            var (enabled, hours) = db.Reminder(row.PatientId);
            if (!enabled || start - Duration.FromHours(hours) > now || row.Created > start - Duration.FromHours(hours))
                continue;
            var account = notifications.Recipient(row.PatientId, null);
            if (account is null)
                continue;
            var body = $"""
                Beste {account.DisplayName},

                Dit is een herinnering aan uw afspraak op {AppointmentNotifications.When(start)}.

                Bent u verhinderd? Annuleer de afspraak dan in het patiëntenportaal onder Mijn afspraken, of bel de praktijk.

                Dit is een automatisch bericht; u kunt hier niet op antwoorden.
                """;
            if (outbox.Enqueue(new NotificationRequest(NotificationKind.Email, account.Email, "Herinnering aan uw afspraak", body, DedupeKey(row.Id, start))))
                count++;
        }
        return count;
    }
}
