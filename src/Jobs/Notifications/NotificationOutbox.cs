using System.Data.Common;
using Fhir.Server.Store;
using Jobs.Storage;

namespace Jobs.Notifications;

/// <summary>
/// Puts notifications into the durable outbox and lets staff see the ones that failed. Enqueue
/// inside the write that causes the notification (<see cref="Enqueue(IWriteSession, NotificationRequest)"/>),
/// so it exists if and only if that change committed; the dispatcher job sends it later.
/// </summary>
public sealed class NotificationOutbox(JobsDatabase database, TimeProvider time)
{
    private const string Insert = """
        INSERT INTO notification (id, dedupe_key, kind, recipient, subject, body, state, attempts, due_utc, created_utc)
        VALUES ($id, $dedupe, $kind, $recipient, $subject, $body, 'pending', 0, $due, $created)
        ON CONFLICT (dedupe_key) DO NOTHING
        """;

    /// <summary>Enqueues in the FHIR store's open write transaction.</summary>
    /// <returns>False when a notification with the same dedupe key exists already.</returns>
    public bool Enqueue(IWriteSession session, NotificationRequest request) => Enqueue(session.Connection, request);

    /// <summary>Enqueues on <paramref name="connection"/>, inside whatever transaction it has open.</summary>
    /// <returns>False when a notification with the same dedupe key exists already.</returns>
    public bool Enqueue(DbConnection connection, NotificationRequest request, DbTransaction? transaction = null)
    {
        Validate(request);
        var now = time.GetUtcNow();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Insert;
        Add(command, "$id", Guid.NewGuid().ToString("N"));
        Add(command, "$dedupe", request.DedupeKey);
        Add(command, "$kind", KindText(request.Kind));
        Add(command, "$recipient", request.Recipient.Trim());
        Add(command, "$subject", (object?)request.Subject ?? DBNull.Value);
        Add(command, "$body", request.Body);
        Add(command, "$due", JobsDatabase.Format(request.NotBefore is { } notBefore && notBefore > now ? notBefore : now));
        Add(command, "$created", JobsDatabase.Format(now));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Enqueues in a transaction of its own, for callers that change nothing else.</summary>
    public bool Enqueue(NotificationRequest request)
    {
        using var connection = database.Open();
        return Enqueue(connection, request);
    }

    /// <summary>Notifications that will not be sent, newest first: who, what kind, why, when.</summary>
    public IReadOnlyList<FailedNotification> ListFailed(int limit = 100, DateTimeOffset? since = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, kind, recipient, subject, attempts, last_error, created_utc, failed_utc
            FROM notification WHERE state = 'failed' AND failed_utc >= $since
            ORDER BY failed_utc DESC LIMIT $limit
            """;
        Add(command, "$since", JobsDatabase.Format(since ?? DateTimeOffset.MinValue));
        Add(command, "$limit", Math.Clamp(limit, 1, 10_000));
        using var reader = command.ExecuteReader();
        var list = new List<FailedNotification>();
        while (reader.Read())
        {
            list.Add(new FailedNotification(
                reader.GetString(0), ParseKind(reader.GetString(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                JobsDatabase.Parse(reader.GetString(6)), JobsDatabase.Parse(reader.GetString(7))));
        }
        return list;
    }

    /// <summary>Puts a failed notification back in the queue (staff checked that it did not arrive).</summary>
    public bool Retry(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE notification SET state = 'pending', attempts = 0, due_utc = $now, failed_utc = NULL,
                lease_owner = NULL, lease_until_utc = NULL
            WHERE id = $id AND state = 'failed'
            """;
        Add(command, "$id", id);
        Add(command, "$now", JobsDatabase.Format(time.GetUtcNow()));
        return command.ExecuteNonQuery() == 1;
    }

    public NotificationStatus? Find(string dedupeKey)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, dedupe_key, kind, recipient, state, attempts, due_utc, lease_owner, last_error, sent_utc, failed_utc
            FROM notification WHERE dedupe_key = $key
            """;
        Add(command, "$key", dedupeKey);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return null;
        return new NotificationStatus(
            reader.GetString(0), reader.GetString(1), ParseKind(reader.GetString(2)), reader.GetString(3),
            Enum.Parse<NotificationState>(reader.GetString(4), ignoreCase: true), reader.GetInt32(5),
            JobsDatabase.Parse(reader.GetString(6)), reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : JobsDatabase.Parse(reader.GetString(9)),
            reader.IsDBNull(10) ? null : JobsDatabase.Parse(reader.GetString(10)));
    }

    internal static string KindText(NotificationKind kind) => kind == NotificationKind.Sms ? "sms" : "email";

    internal static NotificationKind ParseKind(string text) => text == "sms" ? NotificationKind.Sms : NotificationKind.Email;

    internal static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    private static void Validate(NotificationRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Recipient))
            throw new ArgumentException("A notification needs a recipient.", nameof(request));
        if (string.IsNullOrWhiteSpace(request.DedupeKey))
            throw new ArgumentException("A notification needs a dedupe key naming the event that caused it.", nameof(request));
        if (string.IsNullOrWhiteSpace(request.Body))
            throw new ArgumentException("A notification needs a body.", nameof(request));
        if (request.Kind == NotificationKind.Email && string.IsNullOrWhiteSpace(request.Subject))
            throw new ArgumentException("An e-mail notification needs a subject.", nameof(request));
    }
}
