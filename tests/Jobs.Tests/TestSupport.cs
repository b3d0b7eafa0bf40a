using System.Collections.Concurrent;
using Fhir.Server.Store;
using Jobs.Notifications;
using Jobs.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jobs.Tests;

/// <summary>A fresh portal database file with the jobs module's schema, deleted afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "jobs-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Folder);
        ConnectionString = $"Data Source={Path.Combine(Folder, "portal.db")}";
        Database = new JobsDatabase(ConnectionString);
        using var connection = Database.Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }
        new SchemaMigrator(NullLogger<SchemaMigrator>.Instance).Apply(connection, JobsDatabase.Migrations, immediateTransactions: true);
    }

    public string Folder { get; }

    public string ConnectionString { get; }

    public JobsDatabase Database { get; }

    public string Outbox => Path.Combine(Folder, "outbox");

    public long Scalar(string sql)
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    public void Execute(string sql)
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Records every send; fails the first <see cref="FailFirst"/> calls (or all when negative).</summary>
public sealed class RecordingTransport(bool idempotent = true) : INotificationTransport
{
    public ConcurrentQueue<OutgoingNotification> Sent { get; } = new();

    public int FailFirst { get; set; }

    public TimeSpan Delay { get; set; }

    private int _calls;

    public bool IsIdempotentFor(NotificationKind kind) => idempotent;

    public async Task SendAsync(OutgoingNotification notification, CancellationToken ct)
    {
        var call = Interlocked.Increment(ref _calls);
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, ct);
        if (FailFirst < 0 || call <= FailFirst)
            throw new InvalidOperationException("relay refused the message");
        Sent.Enqueue(notification);
    }
}

public static class Make
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static JobsOptions Options(Action<JobsOptions>? change = null)
    {
        var o = new JobsOptions { MaxAttempts = 4, RetryBaseSeconds = 30, RetryMaxSeconds = 3600, LeaseSeconds = 120, DispatchBatchSize = 10 };
        change?.Invoke(o);
        return o;
    }

    public static NotificationDispatcher Dispatcher(TempDatabase db, INotificationTransport transport, TimeProvider time, JobsOptions? options = null, string? owner = null,
        IEnumerable<INotificationFailureListener>? listeners = null) =>
        new(db.Database, transport, Microsoft.Extensions.Options.Options.Create(options ?? Options()), time, NullLogger<NotificationDispatcher>.Instance, listeners)
        {
            Owner = owner ?? "test-" + Guid.NewGuid().ToString("N")[..6],
        };

    public static NotificationRequest Email(string key, string to = "emma@example.nl") =>
        new(NotificationKind.Email, to, "U heeft een nieuw bericht", "U heeft een nieuw bericht in het portaal van uw huisarts.", key);
}
