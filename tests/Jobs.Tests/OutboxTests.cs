using System.Text;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Jobs.Notifications;
using Jobs.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jobs.Tests;

public sealed class OutboxTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly ManualTime _time = new(Make.Start);

    public void Dispose() => _db.Dispose();

    private async Task<SqliteResourceStore> FhirStore()
    {
        var store = new SqliteResourceStore(Options.Create(new StorageOptions { ConnectionString = _db.ConnectionString }), NullLogger<SqliteResourceStore>.Instance);
        new SqliteStoreInitializer(store, new SchemaMigrator(NullLogger<SchemaMigrator>.Instance), NullLogger<SqliteStoreInitializer>.Instance)
            .Initialize(JobsDatabase.Migrations);
        await Task.CompletedTask;
        return store;
    }

    private static readonly byte[] Answer = Encoding.UTF8.GetBytes("""{"resourceType":"Communication","id":"c1","status":"completed"}""");

    [Fact]
    public async Task Enqueue_InCommittedWrite_IsSentOnce()
    {
        await using var store = await FhirStore();
        var outbox = new NotificationOutbox(_db.Database, _time);
        var added = await store.WriteAsync(s =>
        {
            s.Append("Communication", "c1", 1, _time.GetUtcNow(), "POST", Answer);
            return outbox.Enqueue(s, Make.Email("econsult-answer:Communication/c1/_history/1"));
        });

        Assert.True(added);
        var transport = new RecordingTransport();
        var result = await Make.Dispatcher(_db, transport, _time).DispatchDueAsync();
        Assert.Equal(1, result.Sent);
        Assert.Single(transport.Sent);
        Assert.Equal(NotificationState.Sent, outbox.Find("econsult-answer:Communication/c1/_history/1")!.State);
    }

    [Fact]
    public async Task Enqueue_InRolledBackWrite_LeavesNothingToSend()
    {
        await using var store = await FhirStore();
        var outbox = new NotificationOutbox(_db.Database, _time);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync<bool>(s =>
        {
            s.Append("Communication", "c1", 1, _time.GetUtcNow(), "POST", Answer);
            outbox.Enqueue(s, Make.Email("econsult-answer:Communication/c1/_history/1"));
            throw new InvalidOperationException("validation failed after the enqueue");
        }));

        Assert.Null(await store.ReadAsync("Communication", "c1"));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM notification"));
        var transport = new RecordingTransport();
        await Make.Dispatcher(_db, transport, _time).DispatchDueAsync();
        Assert.Empty(transport.Sent);
    }

    [Fact]
    public async Task Enqueue_SameDedupeKeyTwice_GivesOneNotification()
    {
        var outbox = new NotificationOutbox(_db.Database, _time);
        Assert.True(outbox.Enqueue(Make.Email("econsult-answer:Communication/c1/_history/1")));
        Assert.False(outbox.Enqueue(Make.Email("econsult-answer:Communication/c1/_history/1")));
        var transport = new RecordingTransport();
        await Make.Dispatcher(_db, transport, _time).DispatchDueAsync();

        // Even after it was sent, the same event does not produce a second one.
        Assert.False(outbox.Enqueue(Make.Email("econsult-answer:Communication/c1/_history/1")));
        await Make.Dispatcher(_db, transport, _time).DispatchDueAsync();
        Assert.Single(transport.Sent);
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM notification"));
    }

    [Fact]
    public void Enqueue_WithoutDedupeKey_IsRefused()
    {
        var outbox = new NotificationOutbox(_db.Database, _time);
        Assert.Throws<ArgumentException>(() => outbox.Enqueue(Make.Email(" ")));
    }

    [Fact]
    public async Task Enqueue_NotBefore_WaitsUntilThen()
    {
        var outbox = new NotificationOutbox(_db.Database, _time);
        outbox.Enqueue(Make.Email("reminder:Appointment/a1") with { NotBefore = Make.Start.AddHours(1) });
        var transport = new RecordingTransport();
        var dispatcher = Make.Dispatcher(_db, transport, _time);
        await dispatcher.DispatchDueAsync();
        Assert.Empty(transport.Sent);
        _time.Advance(TimeSpan.FromHours(1));
        await dispatcher.DispatchDueAsync();
        Assert.Single(transport.Sent);
    }

    [Fact]
    public async Task FileTransport_SameNotificationTwice_WritesOneFile()
    {
        var transport = new FileNotificationTransport(_db.Outbox);
        var n = new OutgoingNotification("abc123", NotificationKind.Email, "emma@example.nl", "U heeft een nieuw bericht", "Kijk in het portaal.", Make.Start, 1);
        await transport.SendAsync(n, default);
        await transport.SendAsync(n with { Attempt = 2 }, default);

        var file = Assert.Single(Directory.GetFiles(_db.Outbox));
        Assert.Contains("-email-emma@example.nl-nabc123", file);
        Assert.Equal("To: emma@example.nl\nSubject: U heeft een nieuw bericht\n\nKijk in het portaal.\n", File.ReadAllText(file));
    }
}
