using Jobs.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Notifications;

/// <summary>
/// Sends due notifications: claim under a lease, record the attempt, send, mark sent (or schedule a
/// retry with exponential backoff, or mark failed after <see cref="JobsOptions.MaxAttempts"/>).
/// <para>
/// Every step is one conditional UPDATE on the row, so two instances never hold the same notification.
/// The attempt is recorded as <c>sending</c> before the transport is called: a row found in
/// <c>sending</c> with an expired lease is one whose outcome a crash left unknown. An idempotent
/// transport (the file outbox writes one file per notification id) gets it again under the same id,
/// so it still arrives once; any other transport (SMTP) must not, and the row is marked failed for
/// staff to check. A row merely <c>claimed</c> when its owner died was never handed over and is claimed again.
/// </para>
/// </summary>
public sealed class NotificationDispatcher(
    JobsDatabase database,
    INotificationTransport transport,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger,
    IEnumerable<INotificationFailureListener>? failureListeners = null)
{
    private readonly INotificationFailureListener[] _listeners = failureListeners?.ToArray() ?? [];

    public const string UnknownOutcome =
        "The instance stopped while sending; it is unknown whether the message arrived, so it is not sent again.";

    /// <summary>The name this dispatcher claims under; unique per instance.</summary>
    public string Owner { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public sealed record Result(int Sent, int Retried, int Failed);

    /// <summary>Sends what is due, batch after batch, until nothing is due.</summary>
    public async Task<Result> DispatchDueAsync(CancellationToken ct = default)
    {
        int sent = 0, retried = 0, failed = 0;
        while (!ct.IsCancellationRequested)
        {
            var claimed = Claim();
            if (claimed.Count == 0)
                break;
            foreach (var row in claimed)
            {
                switch (await DeliverAsync(row, ct))
                {
                    case Outcome.Sent: sent++; break;
                    case Outcome.Retry: retried++; break;
                    case Outcome.Failed: failed++; break;
                }
            }
        }
        return new Result(sent, retried, failed);
    }

    /// <summary>The wait after <paramref name="failedAttempts"/> failed attempts: base, 2×base, 4×base..., capped.</summary>
    public static TimeSpan Backoff(JobsOptions o, int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var seconds = Math.Min((double)o.RetryBaseSeconds * Math.Pow(2, exponent), o.RetryMaxSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    private enum Outcome { Sent, Retry, Failed, Lost }

    private sealed record Claimed(OutgoingNotification Notification, bool WasSending);

    private List<Claimed> Claim()
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        // One statement, so SQLite's write lock makes the claim atomic across processes.
        command.CommandText = """
            UPDATE notification SET
                state = CASE state WHEN 'sending' THEN 'sending' ELSE 'claimed' END,
                lease_owner = $owner, lease_until_utc = $until
            WHERE id IN (
                SELECT id FROM notification
                WHERE (state = 'pending' AND due_utc <= $now)
                   OR (state IN ('claimed', 'sending') AND lease_until_utc <= $now)
                ORDER BY due_utc LIMIT $limit)
            RETURNING id, kind, recipient, subject, body, created_utc, attempts, state
            """;
        NotificationOutbox.Add(command, "$owner", Owner);
        NotificationOutbox.Add(command, "$until", JobsDatabase.Format(now.AddSeconds(o.LeaseSeconds)));
        NotificationOutbox.Add(command, "$now", JobsDatabase.Format(now));
        NotificationOutbox.Add(command, "$limit", o.DispatchBatchSize);
        using var reader = command.ExecuteReader();
        var list = new List<Claimed>();
        while (reader.Read())
        {
            list.Add(new Claimed(new OutgoingNotification(
                reader.GetString(0), NotificationOutbox.ParseKind(reader.GetString(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
                JobsDatabase.Parse(reader.GetString(5)), reader.GetInt32(6) + 1),
                reader.GetString(7) == "sending"));
        }
        return list;
    }

    private async Task<Outcome> DeliverAsync(Claimed claimed, CancellationToken ct)
    {
        var o = options.Value;
        var n = claimed.Notification;
        using var connection = database.Open();
        if (claimed.WasSending && !transport.IsIdempotentFor(n.Kind))
        {
            logger.LogWarning("Notification {Id} ({Kind} to {Recipient}) was being sent when an instance stopped; marked failed", n.Id, n.Kind, n.Recipient);
            return await FailAsync(connection, n, UnknownOutcome, ct);
        }
        if (Update(connection, """
                UPDATE notification SET state = 'sending', attempts = attempts + 1, last_attempt_utc = $now
                WHERE id = $id AND lease_owner = $owner
                """, n.Id) == 0)
            return Outcome.Lost;

        try
        {
            // Finish well within the lease, so nobody else takes the row over while this send still runs.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(o.LeaseSeconds / 2.0));
            await transport.SendAsync(n, timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = ex is OperationCanceledException ? "The send took longer than half the lease and was abandoned." : Describe(ex);
            if (n.Attempt >= o.MaxAttempts)
            {
                logger.LogError(ex, "Notification {Id} ({Kind} to {Recipient}) failed after {Attempts} attempts", n.Id, n.Kind, n.Recipient, n.Attempt);
                return await FailAsync(connection, n, error, ct);
            }
            var due = time.GetUtcNow() + Backoff(o, n.Attempt);
            logger.LogWarning("Notification {Id} attempt {Attempt} failed ({Error}); next attempt at {Due:O}", n.Id, n.Attempt, error, due);
            Update(connection, """
                UPDATE notification SET state = 'pending', due_utc = $due, last_error = $error, lease_owner = NULL, lease_until_utc = NULL
                WHERE id = $id AND lease_owner = $owner
                """, n.Id, ("$due", JobsDatabase.Format(due)), ("$error", error));
            return Outcome.Retry;
        }

        if (Update(connection, """
                UPDATE notification SET state = 'sent', sent_utc = $now, last_error = NULL, lease_owner = NULL, lease_until_utc = NULL
                WHERE id = $id AND lease_owner = $owner
                """, n.Id) == 0)
        {
            logger.LogWarning("Notification {Id} was sent but its lease had passed to another instance", n.Id);
            return Outcome.Lost;
        }
        return Outcome.Sent;
    }

    private async Task<Outcome> FailAsync(SqliteConnection connection, OutgoingNotification n, string error, CancellationToken ct)
    {
        if (!MarkFailed(connection, n.Id, error))
            return Outcome.Lost;
        if (_listeners.Length > 0)
        {
            var failed = new FailedNotification(n.Id, n.Kind, n.Recipient, n.Subject, n.Attempt, error, n.CreatedUtc, time.GetUtcNow());
            foreach (var listener in _listeners)
            {
                try
                {
                    await listener.OnFailedAsync(failed, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogError(ex, "Listener {Listener} failed for notification {Id}", listener.GetType().Name, n.Id);
                }
            }
        }
        return Outcome.Failed;
    }

    private bool MarkFailed(SqliteConnection connection, string id, string error) =>
        Update(connection, """
            UPDATE notification SET state = 'failed', failed_utc = $now, last_error = $error, lease_owner = NULL, lease_until_utc = NULL
            WHERE id = $id AND lease_owner = $owner
            """, id, ("$error", error)) == 1;

    private int Update(SqliteConnection connection, string sql, string id, params (string Name, object Value)[] extra)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        NotificationOutbox.Add(command, "$id", id);
        NotificationOutbox.Add(command, "$owner", Owner);
        if (sql.Contains("$now", StringComparison.Ordinal))
            NotificationOutbox.Add(command, "$now", JobsDatabase.Format(time.GetUtcNow()));
        foreach (var (name, value) in extra)
            NotificationOutbox.Add(command, name, value);
        return command.ExecuteNonQuery();
    }

    private static string Describe(Exception ex)
    {
        var message = $"{ex.GetType().Name}: {ex.Message}";
        return message.Length <= 1000 ? message : message[..1000];
    }
}
