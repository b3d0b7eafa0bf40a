using Identity.Messaging;

namespace Jobs.Notifications;

/// <summary>
/// Sends through the identity module's configured senders. Where a sender is the file outbox (the
/// embedded default) the notification is written by <see cref="FileNotificationTransport"/> into the
/// same folder instead, one file per notification id, so a repeated send after a crash leaves one
/// file. SMTP and the SMS gateway take no idempotency key: for them a send interrupted by a crash is
/// not repeated but marked failed (at most once), see <see cref="NotificationDispatcher"/>.
/// </summary>
public sealed class SenderNotificationTransport(IEmailSender email, ISmsSender sms) : INotificationTransport
{
    private readonly FileNotificationTransport? _emailFiles = email is FileOutbox f ? new FileNotificationTransport(f.Folder) : null;
    private readonly FileNotificationTransport? _smsFiles = sms is FileOutbox f ? new FileNotificationTransport(f.Folder) : null;

    public bool IsIdempotentFor(NotificationKind kind) => (kind == NotificationKind.Sms ? _smsFiles : _emailFiles) is not null;

    public Task SendAsync(OutgoingNotification n, CancellationToken ct) => n.Kind switch
    {
        NotificationKind.Sms when _smsFiles is not null => _smsFiles.SendAsync(n, ct),
        NotificationKind.Sms => sms.SendAsync(n.Recipient, n.Body, ct),
        _ when _emailFiles is not null => _emailFiles.SendAsync(n, ct),
        _ => email.SendAsync(n.Recipient, n.Subject ?? "", n.Body, ct),
    };
}
