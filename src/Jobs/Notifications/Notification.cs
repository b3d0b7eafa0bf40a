namespace Jobs.Notifications;

public enum NotificationKind
{
    Email,
    Sms,
}

/// <summary>
/// What to send. <paramref name="DedupeKey"/> names the event (for example
/// <c>econsult-answer:Communication/123/_history/2</c>): enqueueing the same key twice yields one
/// notification. The body must not carry medical content; it says that there is something to read
/// in the portal.
/// </summary>
public sealed record NotificationRequest(
    NotificationKind Kind,
    string Recipient,
    string? Subject,
    string Body,
    string DedupeKey,
    DateTimeOffset? NotBefore = null);

/// <summary>A claimed notification handed to a transport; <see cref="Id"/> is its idempotency key.</summary>
public sealed record OutgoingNotification(
    string Id,
    NotificationKind Kind,
    string Recipient,
    string? Subject,
    string Body,
    DateTimeOffset CreatedUtc,
    int Attempt);

/// <summary>A notification that will not be sent, for the staff's list.</summary>
public sealed record FailedNotification(
    string Id,
    NotificationKind Kind,
    string Recipient,
    string? Subject,
    int Attempts,
    string? Error,
    DateTimeOffset CreatedUtc,
    DateTimeOffset FailedUtc);

public enum NotificationState
{
    Pending,
    Claimed,
    Sending,
    Sent,
    Failed,
}

/// <summary>The whole row, for diagnostics and tests.</summary>
public sealed record NotificationStatus(
    string Id,
    string DedupeKey,
    NotificationKind Kind,
    string Recipient,
    NotificationState State,
    int Attempts,
    DateTimeOffset DueUtc,
    string? LeaseOwner,
    string? LastError,
    DateTimeOffset? SentUtc,
    DateTimeOffset? FailedUtc);
