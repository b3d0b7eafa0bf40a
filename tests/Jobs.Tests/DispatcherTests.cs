using Jobs.Notifications;

namespace Jobs.Tests;

public sealed class DispatcherTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly ManualTime _time = new(Make.Start);

    public void Dispose() => _db.Dispose();

    private NotificationOutbox Outbox => new(_db.Database, _time);

    [Fact]
    public void Backoff_DoublesFromTheBase_UpToTheCap()
    {
        var o = Make.Options(o => { o.RetryBaseSeconds = 30; o.RetryMaxSeconds = 600; });
        var waits = Enumerable.Range(1, 7).Select(a => NotificationDispatcher.Backoff(o, a).TotalSeconds).ToArray();
        Assert.Equal([30, 60, 120, 240, 480, 600, 600], waits);
    }

    [Fact]
    public async Task FailedSend_IsRetriedOnlyAfterItsBackoff()
    {
        Outbox.Enqueue(Make.Email("k1"));
        var transport = new RecordingTransport { FailFirst = 2 };
        var dispatcher = Make.Dispatcher(_db, transport, _time);

        Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Retried);
        Assert.Equal(Make.Start.AddSeconds(30), Outbox.Find("k1")!.DueUtc);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(new NotificationDispatcher.Result(0, 0, 0), await dispatcher.DispatchDueAsync());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Retried);
        Assert.Equal(_time.GetUtcNow().AddSeconds(60), Outbox.Find("k1")!.DueUtc);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Sent);
        var status = Outbox.Find("k1")!;
        Assert.Equal(NotificationState.Sent, status.State);
        Assert.Equal(3, status.Attempts);
        Assert.Equal(3, Assert.Single(transport.Sent).Attempt);
    }

    [Fact]
    public async Task AfterMaxAttempts_TheNotificationIsFailedAndListedForStaff()
    {
        Outbox.Enqueue(Make.Email("k1", to: "pieter@example.nl"));
        Outbox.Enqueue(new NotificationRequest(NotificationKind.Sms, "+31612345678", null, "U heeft een nieuw bericht.", "k2"));
        var transport = new RecordingTransport { FailFirst = -1 };
        var dispatcher = Make.Dispatcher(_db, transport, _time, Make.Options(o => o.MaxAttempts = 3));

        for (var i = 0; i < 5; i++)
        {
            await dispatcher.DispatchDueAsync();
            _time.Advance(TimeSpan.FromHours(1));
        }

        var failed = Outbox.ListFailed();
        Assert.Equal(2, failed.Count);
        var email = Assert.Single(failed, f => f.Kind == NotificationKind.Email);
        Assert.Equal("pieter@example.nl", email.Recipient);
        Assert.Equal(3, email.Attempts);
        Assert.Contains("relay refused the message", email.Error);
        Assert.Equal(Make.Start.AddHours(2), email.FailedUtc);
        Assert.Contains(failed, f => f.Kind == NotificationKind.Sms && f.Recipient == "+31612345678");
        Assert.Empty(transport.Sent);

        // Staff put it back; it goes out on the next round.
        transport.FailFirst = 0;
        Assert.True(Outbox.Retry(email.Id));
        await dispatcher.DispatchDueAsync();
        Assert.Single(transport.Sent);
        Assert.Single(Outbox.ListFailed());
    }

    private sealed class RecordingListener(bool throws = false) : INotificationFailureListener
    {
        public List<FailedNotification> Told { get; } = [];

        public Task OnFailedAsync(FailedNotification notification, CancellationToken ct)
        {
            Told.Add(notification);
            return throws ? throw new InvalidOperationException("listener broke") : Task.CompletedTask;
        }
    }

    [Fact]
    public async Task FailureListeners_AreToldOncePerFailure_AndABrokenOneDoesNotUndoTheMark()
    {
        Outbox.Enqueue(Make.Email("k1", to: "pieter@example.nl"));
        Outbox.Enqueue(Make.Email("k2", to: "fatima@example.nl"));
        var broken = new RecordingListener(throws: true);
        var listener = new RecordingListener();
        var transport = new RecordingTransport { FailFirst = -1 };
        var dispatcher = Make.Dispatcher(_db, transport, _time, Make.Options(o => o.MaxAttempts = 2), listeners: [broken, listener]);

        await dispatcher.DispatchDueAsync();
        Assert.Empty(listener.Told);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, (await dispatcher.DispatchDueAsync()).Failed);
        _time.Advance(TimeSpan.FromHours(1));
        await dispatcher.DispatchDueAsync();

        Assert.Equal(["fatima@example.nl", "pieter@example.nl"], listener.Told.Select(n => n.Recipient).Order());
        Assert.Equal(2, broken.Told.Count);
        var told = listener.Told.Single(n => n.Recipient == "pieter@example.nl");
        Assert.Equal(Outbox.Find("k1")!.Id, told.Id);
        Assert.Equal(2, told.Attempts);
        Assert.Contains("relay refused the message", told.Error);
        Assert.Equal(2, Outbox.ListFailed().Count);
    }

    [Fact]
    public async Task ClaimOfAStoppedInstance_IsTakenOverOnlyWhenItsLeaseExpires()
    {
        Outbox.Enqueue(Make.Email("k1"));
        // An instance claimed it and stopped before it sent anything.
        _db.Execute($"UPDATE notification SET state = 'claimed', lease_owner = 'dead', lease_until_utc = '{Make.Start.AddSeconds(120):yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}'");
        var transport = new RecordingTransport();
        var dispatcher = Make.Dispatcher(_db, transport, _time);

        _time.Advance(TimeSpan.FromSeconds(119));
        await dispatcher.DispatchDueAsync();
        Assert.Empty(transport.Sent);

        _time.Advance(TimeSpan.FromSeconds(1));
        await dispatcher.DispatchDueAsync();
        Assert.Single(transport.Sent);
        Assert.Equal(NotificationState.Sent, Outbox.Find("k1")!.State);
    }

    [Fact]
    public async Task CrashDuringSend_IdempotentTransport_SendsAgainUnderTheSameId()
    {
        Outbox.Enqueue(Make.Email("k1"));
        var id = Outbox.Find("k1")!.Id;
        _db.Execute($"UPDATE notification SET state = 'sending', attempts = 1, lease_owner = 'dead', lease_until_utc = '{Make.Start:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}'");
        var transport = new RecordingTransport(idempotent: true);

        await Make.Dispatcher(_db, transport, _time).DispatchDueAsync();

        Assert.Equal(id, Assert.Single(transport.Sent).Id);
        Assert.Equal(NotificationState.Sent, Outbox.Find("k1")!.State);
    }

    [Fact]
    public async Task CrashDuringSend_NonIdempotentTransport_IsFailedNotSentAgain()
    {
        Outbox.Enqueue(Make.Email("k1"));
        _db.Execute($"UPDATE notification SET state = 'sending', attempts = 1, lease_owner = 'dead', lease_until_utc = '{Make.Start:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}'");
        var transport = new RecordingTransport(idempotent: false);

        await Make.Dispatcher(_db, transport, _time).DispatchDueAsync();

        Assert.Empty(transport.Sent);
        var failed = Assert.Single(Outbox.ListFailed());
        Assert.Equal(NotificationDispatcher.UnknownOutcome, failed.Error);
    }

    [Fact]
    public async Task TwoDispatchers_OnOneDatabase_SendEveryNotificationOnce()
    {
        const int count = 120;
        var outbox = new NotificationOutbox(_db.Database, TimeProvider.System);
        for (var i = 0; i < count; i++)
            outbox.Enqueue(Make.Email($"k{i}", to: $"patient{i}@example.nl"));
        var transport = new RecordingTransport { Delay = TimeSpan.FromMilliseconds(2) };
        var options = Make.Options(o => o.DispatchBatchSize = 5);
        var a = Make.Dispatcher(_db, transport, TimeProvider.System, options, owner: "a");
        var b = Make.Dispatcher(_db, transport, TimeProvider.System, options, owner: "b");

        var results = await Task.WhenAll(Task.Run(() => a.DispatchDueAsync()), Task.Run(() => b.DispatchDueAsync()));

        Assert.Equal(count, transport.Sent.Count);
        Assert.Equal(count, transport.Sent.Select(n => n.Id).Distinct().Count());
        Assert.Equal(count, results.Sum(r => r.Sent));
        Assert.All(results, r => Assert.True(r.Sent > 0, "both dispatchers took part"));
        Assert.Equal(count, _db.Scalar("SELECT COUNT(*) FROM notification WHERE state = 'sent'"));
    }
}
