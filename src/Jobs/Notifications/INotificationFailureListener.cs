namespace Jobs.Notifications;

/// <summary>
/// Told once when a notification is marked failed (after the last attempt, or when a crash left its
/// outcome unknown), so another module can act on it, for example by leaving the patient a message
/// in the portal. Called after the failed mark committed; an exception is logged and does not undo it.
/// </summary>
public interface INotificationFailureListener
{
    Task OnFailedAsync(FailedNotification notification, CancellationToken ct);
}
