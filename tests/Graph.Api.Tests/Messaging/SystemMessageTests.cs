using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Jobs;
using Jobs.Notifications;
using Jobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>
/// Systeemberichten with real content (seed 003, 4.13), and failed notifications for staff: when an
/// e-mail to a patient cannot be delivered, staff see who and why (never content) and can send it
/// again, and the patient finds a system message about it.
/// </summary>
public sealed class SystemMessageTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Pieter = "patient-pieter-van-den-berg";

    private NotificationOutbox Outbox => host.Services.GetRequiredService<NotificationOutbox>();

    private sealed class RefusingTransport : INotificationTransport
    {
        public bool IsIdempotentFor(NotificationKind kind) => true;

        public Task SendAsync(OutgoingNotification notification, CancellationToken ct) =>
            throw new InvalidOperationException("550 5.1.1 mailbox unavailable");
    }

    /// <summary>Sends what is due with a transport that always fails and one attempt, as the host's dispatcher would after its last attempt.</summary>
    private Task FailEverythingDueAsync() => new NotificationDispatcher(
            host.Services.GetRequiredService<JobsDatabase>(), new RefusingTransport(),
            Options.Create(new JobsOptions { MaxAttempts = 1, LeaseSeconds = 60 }), TimeProvider.System,
            NullLogger<NotificationDispatcher>.Instance, host.Services.GetServices<INotificationFailureListener>())
        .DispatchDueAsync();

    private async Task<List<System.Text.Json.JsonElement>> SystemFolderAsync(string patient) =>
        (await host.GraphAsync(Patient(patient), "{ messages(folder: SYSTEM) { nodes { id threadId kind topic text read sender { reference display } } } }")).Data("messages").Nodes();

    [Fact]
    public async Task PostAsync_LeavesOneSystemMessagePerEvent_ClosedForReplies_WithoutAnEmail()
    {
        var messages = host.Services.GetRequiredService<SystemMessages>();
        var first = await messages.PostAsync("patient-willem-bos", "Afspraak bevestigd", "Uw afspraak is vastgelegd.", "test-event:1");
        var second = await messages.PostAsync("patient-willem-bos", "Afspraak bevestigd", "Uw afspraak is vastgelegd.", "test-event:1");

        Assert.Equal(first, second);
        var folder = await SystemFolderAsync("patient-willem-bos");
        var message = Assert.Single(folder, m => m.Str("id") == first);
        Assert.Equal("SYSTEM", message.Str("kind"));
        Assert.Equal("Huisartsenpraktijk De Linde", message.GetProperty("sender").Str("display"));
        Assert.DoesNotContain((await host.GraphAsync(Patient("patient-willem-bos"), "{ messages(folder: INBOX) { nodes { id } } }")).Data("messages").Nodes(), m => m.Str("id") == first);
        Assert.Equal(1, (await host.GraphAsync(Patient("patient-willem-bos"), "{ unreadCount }")).Data("unreadCount").GetInt32());
        Assert.False((await host.GraphAsync(Patient("patient-willem-bos"), "query($id: ID!) { thread(id: $id) { canReply } }", new { id = first })).Data("thread").GetProperty("canReply").GetBoolean());
        Assert.Null(Outbox.Find(MessageNotifications.DedupeKey(first)));
        Assert.DoesNotContain((await host.GraphAsync(Staff("assistent-de-boer"), "{ inbox(first: 100) { nodes { id } } }")).Data("inbox").Nodes(), t => t.Str("id") == first);
    }

    [Fact]
    public async Task UndeliverableEmail_IsListedForStaffWithoutContent_LeavesASystemMessage_AndCanBeRetried()
    {
        Assert.True(Outbox.Enqueue(new NotificationRequest(NotificationKind.Email, "pieter.vandenberg@example.nl", MessageNotifications.Subject,
            MessageNotifications.Body("Pieter van den Berg"), "test:undeliverable")));
        Assert.True(Outbox.Enqueue(new NotificationRequest(NotificationKind.Email, "iemand@elders.example", "Onderwerp", "Tekst", "test:other-practice")));
        await FailEverythingDueAsync();
        var id = Outbox.Find("test:undeliverable")!.Id;
        Assert.Equal(NotificationState.Failed, Outbox.Find("test:undeliverable")!.State);

        const string query = "{ failedNotifications { totalCount nodes { id channel recipient person { reference display } subject attempts error failedAt failedAtLocal } } }";
        var list = (await host.GraphAsync(Staff("assistent-de-boer"), query)).Data("failedNotifications");
        var failed = Assert.Single(list.Nodes(), n => n.Str("id") == id);
        Assert.Equal("EMAIL", failed.Str("channel"));
        Assert.Equal("pieter.vandenberg@example.nl", failed.Str("recipient"));
        Assert.Equal("Patient/" + Pieter, failed.GetProperty("person").Str("reference"));
        Assert.Equal("Pieter van den Berg", failed.GetProperty("person").Str("display"));
        Assert.Contains("mailbox unavailable", failed.Str("error"));
        Assert.DoesNotContain(list.Nodes(), n => n.Str("recipient") == "iemand@elders.example");
        Assert.Single((await host.GraphAsync(Staff("manager", "praktijkmanager"), query)).Data("failedNotifications").Nodes(), n => n.Str("id") == id);
        Assert.DoesNotContain((await host.GraphAsync(Staff("huisarts-jansen", "huisarts", "andere-praktijk"), query)).Data("failedNotifications").Nodes(), n => n.Str("id") == id);
        Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(Patient(Pieter), query)).Error().Code());

        var notice = Assert.Single(await SystemFolderAsync(Pieter), m => m.Str("topic") == UndeliveredNotificationMessages.Topic);
        Assert.Contains("pieter.vandenberg@example.nl", notice.Str("text"));
        Assert.Contains("geen e-mail sturen", notice.Str("text"));

        var retried = (await host.GraphAsync(Staff("assistent-de-boer"), "mutation($id: ID!) { retryNotification(id: $id) { id recipient } }", new { id })).Data("retryNotification");
        Assert.Equal(id, retried.Str("id"));
        Assert.Equal(NotificationState.Pending, Outbox.Find("test:undeliverable")!.State);
        var again = (await host.GraphAsync(Staff("assistent-de-boer"), "mutation($id: ID!) { retryNotification(id: $id) { id } }", new { id })).Error();
        Assert.Equal(MessagingErrors.InvalidCode, again.Code());

        await FailEverythingDueAsync();
        Assert.Single(await SystemFolderAsync(Pieter), m => m.Str("topic") == UndeliveredNotificationMessages.Topic);
    }
}
