namespace Jobs.Notifications;

/// <summary>Delivers one notification (e-mail or SMS).</summary>
public interface INotificationTransport
{
    /// <summary>
    /// True when delivering the same <see cref="OutgoingNotification.Id"/> of this kind twice delivers it once.
    /// Only then may the dispatcher repeat a send whose outcome a crash left unknown; otherwise such
    /// a notification is marked failed for staff to check, so nobody ever gets it twice.
    /// </summary>
    bool IsIdempotentFor(NotificationKind kind);

    Task SendAsync(OutgoingNotification notification, CancellationToken ct);
}
