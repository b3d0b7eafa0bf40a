using Identity.Accounts;
using Jobs.Notifications;

namespace Graph.Api.Messaging;

/// <summary>A notification that could not be delivered, with the portal account it was for.</summary>
public sealed record FailedSend(FailedNotification Notification, Account Account);

/// <summary>
/// The outbox's failed notifications as a practice sees them: only those to accounts of its own
/// patients and staff (matched by e-mail address or phone number), and only who, when and why:
/// notifications carry no medical content by design. Every staff role may see and retry them,
/// the practice manager included.
/// </summary>
public sealed class FailedNotifications(NotificationOutbox outbox, AccountStore accounts)
{
    /// <summary>How many recent failures are looked at.</summary>
    public const int Window = 1000;

    public IReadOnlyList<FailedSend> List(PortalCaller caller)
    {
        var practice = caller.RequirePracticeStaff();
        var own = accounts.All().Where(a => a.OrganizationId == practice).ToList();
        var byEmail = own.Where(a => !string.IsNullOrWhiteSpace(a.Email)).GroupBy(a => a.Email.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var byPhone = own.Where(a => !string.IsNullOrWhiteSpace(a.Phone)).GroupBy(a => a.Phone.Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var result = new List<FailedSend>();
        foreach (var n in outbox.ListFailed(Window))
        {
            var account = n.Kind == NotificationKind.Sms ? byPhone.GetValueOrDefault(n.Recipient.Trim()) : byEmail.GetValueOrDefault(n.Recipient.Trim());
            if (account is not null)
                result.Add(new FailedSend(n, account));
        }
        return result;
    }

    /// <summary>Queues a failed notification of the caller's practice again; it is sent with a fresh set of attempts.</summary>
    public FailedSend Retry(PortalCaller caller, string id)
    {
        var item = List(caller).FirstOrDefault(f => f.Notification.Id == id)
            ?? throw MessagingErrors.Invalid("Deze melding staat niet (meer) in de lijst met mislukte verzendingen.", "id");
        if (!outbox.Retry(id))
            throw MessagingErrors.Invalid("Deze melding wordt al opnieuw verstuurd.", "id");
        return item;
    }
}
