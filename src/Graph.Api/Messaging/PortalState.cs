using Graph.Api.Messaging.Storage;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api.Messaging;

public sealed record MessageState(bool Read, bool Deleted);

public sealed record ThreadAssignment(string ThreadId, string? AssigneeRef, string? AssignedByRef, DateTimeOffset? AssignedAt, LocalDate? ExpectedAnswerDate);

public sealed record ReplyTemplate(string Id, string Name, string Body);

/// <summary>The portal tables: read/deleted marks, assignments and reply templates. Lists are read with one query per batch.</summary>
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
}
