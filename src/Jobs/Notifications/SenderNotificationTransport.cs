namespace Jobs.Notifications;

/// <summary>Placeholder until the identity module's senders are wired in.</summary>
public sealed class SenderNotificationTransport : INotificationTransport
{
    public bool IsIdempotent => false;

    public Task SendAsync(OutgoingNotification notification, CancellationToken ct) => throw new NotSupportedException();
}
