using Graph.Api.Messaging.Storage;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api.Messaging;

public sealed record MessageState(bool Read, bool Deleted);

public sealed record ThreadAssignment(string ThreadId, string? AssigneeRef, string? AssignedByRef, DateTimeOffset? AssignedAt, LocalDate? ExpectedAnswerDate);

public sealed record ReplyTemplate(string Id, string Name, string Body);

/// <summary>A thread the deadline watch found past <paramref name="DueDate"/>; <paramref name="ResolvedAt"/> once it no longer waits.</summary>
public sealed record OverdueMark(string ThreadId, LocalDate DueDate, string? OrganizationId, DateTimeOffset MarkedAt, DateTimeOffset? ResolvedAt);

/// <summary>The portal tables: read/deleted marks, assignments, reply templates and overdue marks. Lists are read with one query per batch.</summary>
public sealed class PortalState(PortalDb db, TimeProvider time)
{
    /// <summary>The "meer informatie nodig" text from the practice guidance (seed 001), shipped to every practice.</summary>
    public static readonly ReplyTemplate MoreInformation = new("meer-informatie", "Meer informatie nodig", """
        Beste {patient},

        Om uw vraag goed te kunnen beantwoorden heb ik wat meer informatie nodig. Zou u onderstaande vragen willen beantwoorden via een reactie op dit bericht?
        - Wat is precies uw klacht?
        - Hoe lang heeft u deze klacht?
        - Wat heeft u zelf al gedaan?
        - Wat is uw vraag aan uw zorgverlener?

        Ik hoor graag van u.

        Met vriendelijke groet,
        {zorgverlener}, namens dokter {huisarts}
        """);

    public IReadOnlyDictionary<string, MessageState> States(string userRef, IReadOnlyList<string> communicationIds)
    {
        var (names, values) = PortalDb.InList("c", communicationIds);
        return db.Query($"SELECT communication_id, read_utc, deleted_utc FROM portal_message_state WHERE user_ref = @u AND communication_id IN ({names})",
                r => (Id: r.GetString(0), State: new MessageState(!r.IsDBNull(1), !r.IsDBNull(2))),
                [("@u", userRef), .. values])
            .ToDictionary(x => x.Id, x => x.State, StringComparer.Ordinal);
    }

    public void SetRead(string userRef, IReadOnlyList<string> ids, bool read)
    {
        foreach (var id in ids)
        {
            db.Execute("""
                INSERT INTO portal_message_state (user_ref, communication_id, read_utc) VALUES (@u, @c, @t)
                ON CONFLICT (user_ref, communication_id) DO UPDATE SET read_utc = excluded.read_utc
                """, ("@u", userRef), ("@c", id), ("@t", read ? PortalDb.Time(time.GetUtcNow()) : null));
        }
    }

    public void SetDeleted(string userRef, string id, bool deleted) =>
        db.Execute("""
            INSERT INTO portal_message_state (user_ref, communication_id, deleted_utc) VALUES (@u, @c, @t)
            ON CONFLICT (user_ref, communication_id) DO UPDATE SET deleted_utc = excluded.deleted_utc
            """, ("@u", userRef), ("@c", id), ("@t", deleted ? PortalDb.Time(time.GetUtcNow()) : null));

    public IReadOnlyDictionary<string, ThreadAssignment> Assignments(string organizationId, IReadOnlyList<string>? threadIds = null)
    {
        var (names, values) = PortalDb.InList("t", threadIds ?? []);
        var filter = threadIds is null ? "" : $" AND thread_id IN ({names})";
        return db.Query($"SELECT thread_id, assignee_ref, assigned_by_ref, assigned_utc, expected_answer_date FROM portal_thread_assignment WHERE organization_id = @o{filter}",
                r => new ThreadAssignment(r.GetString(0), PortalDb.String(r, 1), PortalDb.String(r, 2), PortalDb.Time(r, 3),
                    PortalDb.String(r, 4) is { } d ? LocalDatePattern.Iso.Parse(d).Value : null),
                [("@o", organizationId), .. values])
            .ToDictionary(a => a.ThreadId, StringComparer.Ordinal);
    }

    public void Assign(string organizationId, string threadId, string? assigneeRef, string byRef, LocalDate? expectedAnswerDate = null) =>
        db.Execute("""
            INSERT INTO portal_thread_assignment (thread_id, organization_id, assignee_ref, assigned_by_ref, assigned_utc, expected_answer_date)
            VALUES (@t, @o, @a, @b, @u, @e)
            ON CONFLICT (thread_id) DO UPDATE SET assignee_ref = excluded.assignee_ref, assigned_by_ref = excluded.assigned_by_ref,
                assigned_utc = excluded.assigned_utc, expected_answer_date = COALESCE(excluded.expected_answer_date, portal_thread_assignment.expected_answer_date)
            """, ("@t", threadId), ("@o", organizationId), ("@a", assigneeRef), ("@b", byRef), ("@u", PortalDb.Time(time.GetUtcNow())),
            ("@e", expectedAnswerDate is { } e ? LocalDatePattern.Iso.Format(e) : null));

    public IReadOnlyList<ReplyTemplate> Templates(string organizationId)
    {
        db.Execute("INSERT INTO portal_reply_template (id, organization_id, name, body, updated_utc) SELECT @i, @o, @n, @b, @t WHERE NOT EXISTS (SELECT 1 FROM portal_reply_template WHERE organization_id = @o)",
            ("@i", $"{organizationId}:{MoreInformation.Id}"), ("@o", organizationId), ("@n", MoreInformation.Name), ("@b", MoreInformation.Body),
            ("@t", PortalDb.Time(time.GetUtcNow())));
        return db.Query("SELECT id, name, body FROM portal_reply_template WHERE organization_id = @o ORDER BY name, id",
            r => new ReplyTemplate(r.GetString(0), r.GetString(1), r.GetString(2)), ("@o", organizationId));
    }

    public ReplyTemplate SaveTemplate(string organizationId, string? id, string name, string body)
    {
        id ??= $"{organizationId}:{Guid.CreateVersion7():N}";
        if (!id.StartsWith(organizationId + ":", StringComparison.Ordinal))
            throw MessagingErrors.NotFound();
        db.Execute("""
            INSERT INTO portal_reply_template (id, organization_id, name, body, updated_utc) VALUES (@i, @o, @n, @b, @t)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_utc = excluded.updated_utc
            """, ("@i", id), ("@o", organizationId), ("@n", name), ("@b", body), ("@t", PortalDb.Time(time.GetUtcNow())));
        return new ReplyTemplate(id, name, body);
    }

    public bool DeleteTemplate(string organizationId, string id) =>
        db.Execute("DELETE FROM portal_reply_template WHERE id = @i AND organization_id = @o", ("@i", id), ("@o", organizationId)) > 0;

    /// <summary>Whether the patient wants an e-mail when the practice sends a message; on unless they switched it off.</summary>
    public bool EmailOnNewMessage(string patientId) =>
        db.Query("SELECT email_new_message FROM portal_notification_setting WHERE patient_id = @p", r => r.GetInt64(0) != 0, ("@p", patientId))
            .DefaultIfEmpty(true).First();

    public void SetEmailOnNewMessage(string patientId, bool value) =>
        db.Execute("""
            INSERT INTO portal_notification_setting (patient_id, email_new_message, updated_utc) VALUES (@p, @v, @t)
            ON CONFLICT (patient_id) DO UPDATE SET email_new_message = excluded.email_new_message, updated_utc = excluded.updated_utc
            """, ("@p", patientId), ("@v", value ? 1 : 0), ("@t", PortalDb.Time(time.GetUtcNow())));

    /// <summary>Threads answered on behalf of an absent practitioner (they wait for the promised answer), of one practice or of all.</summary>
    public IReadOnlyList<string> FollowUpThreadIds(string? organizationId = null) =>
        db.Query("SELECT thread_id FROM portal_thread_assignment WHERE expected_answer_date IS NOT NULL AND (@o IS NULL OR organization_id = @o)",
            r => r.GetString(0), ("@o", organizationId));

    /// <summary>
    /// The newest overdue mark so far. A watch run takes it before it reads the threads, and resolves only marks up to it:
    /// a mark made meanwhile by another run (another jobs instance, or a run started by hand) saw newer threads than this
    /// run did, so this run's list cannot show that it is resolved.
    /// </summary>
    public long OverdueWatermark() =>
        db.Query("SELECT coalesce(max(rowid), 0) FROM portal_econsult_overdue", r => r.GetInt64(0)).First();

    /// <summary>
    /// Records the threads past their due date at <paramref name="at"/> and resolves the marks up to
    /// <paramref name="watermark"/> that are no longer among them, in one transaction. Running it again with the same
    /// input changes nothing.
    /// </summary>
    /// <returns>How many threads became overdue and how many marks were resolved by this call.</returns>
    public (int Marked, int Resolved) SyncOverdue(IReadOnlyList<(string ThreadId, LocalDate DueDate, string? OrganizationId)> overdue, DateTimeOffset at, long watermark)
    {
        var now = PortalDb.Time(at);
        using var connection = db.Open();
        using var transaction = connection.BeginTransaction();
        var marked = 0;
        foreach (var (threadId, due, organization) in overdue)
        {
            marked += PortalDb.Execute(connection, """
                INSERT INTO portal_econsult_overdue (thread_id, due_date, organization_id, marked_utc) VALUES (@t, @d, @o, @now)
                ON CONFLICT (thread_id, due_date) DO NOTHING
                """, ("@t", threadId), ("@d", LocalDatePattern.Iso.Format(due)), ("@o", organization), ("@now", now));
        }
        var current = overdue.Select(o => (o.ThreadId, LocalDatePattern.Iso.Format(o.DueDate))).ToHashSet();
        var open = new List<(string, string)>();
        using (var command = PortalDb.Command(connection, "SELECT thread_id, due_date FROM portal_econsult_overdue WHERE resolved_utc IS NULL AND rowid <= @w", ("@w", watermark)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                open.Add((reader.GetString(0), reader.GetString(1)));
        }
        var resolved = 0;
        foreach (var (threadId, due) in open.Where(o => !current.Contains(o)))
        {
            resolved += PortalDb.Execute(connection, "UPDATE portal_econsult_overdue SET resolved_utc = @now WHERE thread_id = @t AND due_date = @d AND resolved_utc IS NULL",
                ("@t", threadId), ("@d", due), ("@now", now));
        }
        transaction.Commit();
        return (marked, resolved);
    }

    /// <summary>The latest overdue mark of each of these threads that is still open.</summary>
    public IReadOnlyDictionary<string, OverdueMark> OpenOverdueMarks(IReadOnlyList<string> threadIds)
    {
        var (names, values) = PortalDb.InList("t", threadIds);
        return db.Query($"SELECT thread_id, due_date, organization_id, marked_utc, resolved_utc FROM portal_econsult_overdue WHERE resolved_utc IS NULL AND thread_id IN ({names}) ORDER BY due_date",
                MapOverdue, values)
            .GroupBy(m => m.ThreadId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    /// <summary>Marks of one practice whose due date passed on a day from <paramref name="from"/> up to (not including) <paramref name="until"/>.</summary>
    public IReadOnlyList<OverdueMark> OverdueMarks(string organizationId, LocalDate from, LocalDate until) =>
        db.Query("""
            SELECT thread_id, due_date, organization_id, marked_utc, resolved_utc FROM portal_econsult_overdue
            WHERE organization_id = @o AND due_date >= @from AND due_date < @until ORDER BY due_date, thread_id
            """, MapOverdue, ("@o", organizationId), ("@from", LocalDatePattern.Iso.Format(from.PlusDays(-1))), ("@until", LocalDatePattern.Iso.Format(until.PlusDays(-1))));

    private static OverdueMark MapOverdue(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetString(0), LocalDatePattern.Iso.Parse(r.GetString(1)).Value, PortalDb.String(r, 2), PortalDb.Time(r, 3)!.Value, PortalDb.Time(r, 4));
}
