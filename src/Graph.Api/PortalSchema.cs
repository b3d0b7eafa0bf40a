using System.Collections;
using System.Globalization;
using System.Text;
using Graph.Api.Appointments;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api;

/// <summary>A thread as the caller sees it; resolvers of its fields read from here.</summary>
public sealed record ThreadView(EConsultThread Thread, PortalCaller Caller);

/// <summary>A message with the caller's read/deleted marks; null when they are still to be fetched (one batch per request).</summary>
public sealed record MessageView(EConsultMessage Message, ThreadView Thread, MessageState? State);

/// <summary>
/// Binds schema.graphql to the portal services. Lists are cursor connections; names and assignments
/// of the rows in a list are fetched through DataLoaders, one batch per list.
/// </summary>
public static class PortalSchema
{
    public const int MaxPageSize = 100;

    /// <summary>Every embedded .graphql file: schema.graphql first, then the features' extensions (appointments.graphql...).</summary>
    public static string[] SdlFiles()
    {
        var assembly = typeof(PortalSchema).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.EndsWith(".graphql", StringComparison.Ordinal))
            .OrderBy(n => n == "Graph.Api.schema.graphql" ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList();
        if (!names.Contains("Graph.Api.schema.graphql"))
            throw new InvalidOperationException("schema.graphql is not embedded in Graph.Api.");
        return names.Select(n =>
        {
            using var stream = assembly.GetManifestResourceStream(n)!;
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }).ToArray();
    }

    /// <summary>The whole SDL as one document.</summary>
    public static string Sdl() => string.Join("\n", SdlFiles());

    public static Schema Build() =>
        Notes.NotesSchema.Bind(Record.RecordSchema.Bind(StaffAccounts.StaffSchema.Bind(AppointmentSchema.Bind(Bind(SchemaBuilder.FromSdl(SdlFiles())))))).Build();

    public static SchemaBuilder Bind(SchemaBuilder builder) => builder
        // Query
        .Bind("Query", "messages", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var folder = Enum.Parse<PatientFolder>(Folder(ctx.Argument<string>("folder")));
            var items = await Messaging(ctx).FolderAsync(caller, folder, ctx.ArgumentOrDefault("sort", "NEWEST_FIRST") != "OLDEST_FIRST",
                ctx.ArgumentOrDefault<string?>("patientId", null), ctx.CancellationToken);
            return Connection(items.Select(i => new MessageView(i.Message, new ThreadView(i.Thread, caller), i.State)).ToList(), ctx);
        })
        .Bind("Query", "unreadCount", async ctx =>
            await Messaging(ctx).UnreadCountAsync(PortalCaller.From(ctx.User), ctx.ArgumentOrDefault<string?>("patientId", null), ctx.CancellationToken))
        .Bind("Query", "recipients", async ctx =>
            await Messaging(ctx).RecipientsAsync(PortalCaller.From(ctx.User), ctx.ArgumentOrDefault<string?>("patientId", null), ctx.CancellationToken))
        .Bind("Query", "actingFor", async ctx => (await Messaging(ctx).ActingForAsync(PortalCaller.From(ctx.User), ctx.CancellationToken))
            .Select(p => new Dictionary<string, object?>
            {
                ["patientId"] = p.PatientId, ["reference"] = $"Patient/{p.PatientId}", ["display"] = p.Display, ["self"] = p.Self,
                ["birthDate"] = p.BirthDate is { } b ? Iso(b) : null,
            }).ToList())
        .Bind("Query", "failedNotifications", ctx =>
            Connection(ctx.Service<FailedNotifications>().List(PortalCaller.From(ctx.User)), ctx))
        .Bind("Query", "practitioners", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            caller.RequireStaff();
            return await Messaging(ctx).PracticeRecipientsAsync($"Organization/{caller.OrganizationId}", null, ctx.CancellationToken);
        })
        .Bind("Query", "thread", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            return new ThreadView(await Messaging(ctx).ThreadAsync(caller, ctx.Argument<string>("id"), ctx.CancellationToken), caller);
        })
        .Bind("Query", "inbox", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var worklist = ctx.ArgumentOrDefault("worklist", "ALL") switch
            {
                "UNASSIGNED" => Worklist.Unassigned,
                "MINE" => Worklist.Mine,
                "PRACTITIONER" => Worklist.Practitioner,
                _ => Worklist.All,
            };
            var practitioner = ctx.ArgumentOrDefault<string?>("practitioner", null);
            if (worklist == Worklist.Practitioner && practitioner is null)
                throw MessagingErrors.Invalid("Kies de zorgverlener van wie u de werklijst wilt zien.", "practitioner");
            var sort = ctx.ArgumentOrDefault("sort", "DUE_DATE") switch
            {
                "RECEIVED_OLDEST_FIRST" => InboxSort.ReceivedOldestFirst,
                "RECEIVED_NEWEST_FIRST" => InboxSort.ReceivedNewestFirst,
                _ => InboxSort.DueDate,
            };
            var filter = new InboxFilter(worklist, practitioner, ctx.ArgumentOrDefault<bool?>("overdue", null), ctx.ArgumentOrDefault<bool?>("unread", null), sort);
            var threads = await Messaging(ctx).InboxAsync(caller, filter, ctx.CancellationToken);
            return Connection(threads.Select(t => new ThreadView(t, caller)).ToList(), ctx);
        })
        .Bind("Query", "emailOnNewMessage", ctx => Messaging(ctx).EmailOnNewMessage(PortalCaller.From(ctx.User)))
        .Bind("Query", "replyTemplates", ctx => Messaging(ctx).Templates(PortalCaller.From(ctx.User)))
        .Bind("Query", "renderTemplate", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            caller.RequireStaff();
            var service = Messaging(ctx);
            var thread = await service.ThreadAsync(caller, ctx.Argument<string>("threadId"), ctx.CancellationToken);
            return await service.RenderTemplateAsync(caller, ctx.Argument<string>("templateId"), thread, ctx.CancellationToken);
        })
        .Bind("Query", "weeklyCounts", async ctx =>
        {
            var service = Messaging(ctx);
            var day = ctx.ArgumentOrDefault<string?>("weekOf", null) is { } s ? Date(s, "weekOf") : service.Today();
            return await service.WeeklyCountsAsync(PortalCaller.From(ctx.User), day, ctx.CancellationToken);
        })
        // Mutation
        .Bind("Mutation", "sendEConsult", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var input = Input(ctx, "input");
            var kind = Text(input, "kind") switch
            {
                "MEDICAL" => QuestionKind.Medical,
                "OTHER" => QuestionKind.Other,
                _ => QuestionKind.System,
            };
            var thread = await Messaging(ctx).SendAsync(caller,
                new SendEConsult(kind, Text(input, "recipient"), Text(input, "topic"), Text(input, "text"), Uploads(input), Text(input, "patientId")), ctx.CancellationToken);
            return new ThreadView(thread, caller);
        })
        .Bind("Mutation", "replyToThread", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var thread = await Messaging(ctx).PatientReplyAsync(caller, ctx.Argument<string>("threadId"), ctx.Argument<string>("text"),
                Uploads(ctx.Arguments), ctx.CancellationToken);
            return new ThreadView(thread, caller);
        })
        .Bind("Mutation", "deleteMessage", async ctx => View(await Messaging(ctx).SetDeletedAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), true, ctx.CancellationToken), ctx))
        .Bind("Mutation", "restoreMessage", async ctx => View(await Messaging(ctx).SetDeletedAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), false, ctx.CancellationToken), ctx))
        .Bind("Mutation", "markRead", async ctx =>
        {
            var ids = ((IEnumerable)ctx.Arguments["ids"]!).Cast<object?>().Select(i => i?.ToString() ?? "").ToList();
            var items = await Messaging(ctx).SetReadAsync(PortalCaller.From(ctx.User), ids, ctx.ArgumentOrDefault("read", true), ctx.CancellationToken);
            return items.Select(i => View(i, ctx)).ToList();
        })
        .Bind("Mutation", "markThreadRead", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var thread = await Messaging(ctx).SetThreadReadAsync(caller, ctx.Argument<string>("threadId"), ctx.ArgumentOrDefault("read", true), ctx.CancellationToken);
            return new ThreadView(thread, caller);
        })
        .Bind("Mutation", "retryNotification", ctx => ctx.Service<FailedNotifications>().Retry(PortalCaller.From(ctx.User), ctx.Argument<string>("id")))
        .Bind("Mutation", "answerThread", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var input = Input(ctx, "input");
            var answer = new PracticeAnswer(Text(input, "threadId") ?? "", Text(input, "text"), Text(input, "templateId"),
                input.TryGetValue("closeForPatient", out var close) && close is bool b ? b : true,
                Text(input, "onBehalfOf"), Text(input, "expectedAnswerDate") is { } d ? Date(d, "expectedAnswerDate") : null, Uploads(input));
            return new ThreadView(await Messaging(ctx).AnswerAsync(caller, answer, ctx.CancellationToken), caller);
        })
        .Bind("Mutation", "handleWithoutReply", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            return new ThreadView(await Messaging(ctx).HandleWithoutReplyAsync(caller, ctx.Argument<string>("threadId"), ctx.CancellationToken), caller);
        })
        .Bind("Mutation", "assignThread", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var thread = await Messaging(ctx).AssignAsync(caller, ctx.Argument<string>("threadId"), ctx.ArgumentOrDefault<string?>("practitioner", null), ctx.CancellationToken);
            return new ThreadView(thread, caller);
        })
        .Bind("Mutation", "startMessage", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var input = Input(ctx, "input");
            var message = new PracticeMessage(Text(input, "patientId") ?? "", Text(input, "topic"), Text(input, "text"),
                input.TryGetValue("closeForPatient", out var close) && close is bool b ? b : true, Uploads(input));
            return new ThreadView(await Messaging(ctx).StartAsync(caller, message, ctx.CancellationToken), caller);
        })
        .Bind("Mutation", "setEmailOnNewMessage", ctx => Messaging(ctx).SetEmailOnNewMessage(PortalCaller.From(ctx.User), ctx.Argument<bool>("enabled")))
        .Bind("Mutation", "saveReplyTemplate", ctx => Messaging(ctx).SaveTemplate(PortalCaller.From(ctx.User),
            ctx.ArgumentOrDefault<string?>("id", null), ctx.Argument<string>("name"), ctx.Argument<string>("body")))
        .Bind("Mutation", "deleteReplyTemplate", ctx => Messaging(ctx).DeleteTemplate(PortalCaller.From(ctx.User), ctx.Argument<string>("id")))
        // Thread
        .Bind<ThreadView>("Thread", "id", (t, _) => t.Thread.Id)
        .Bind<ThreadView>("Thread", "kind", (t, _) => Kind(t.Thread.Kind))
        .Bind<ThreadView>("Thread", "topic", (t, _) => t.Thread.Topic)
        .Bind<ThreadView>("Thread", "patient", (t, ctx) => Party(ctx, $"Patient/{t.Thread.PatientId}"))
        .Bind<ThreadView>("Thread", "recipient", (t, ctx) => t.Thread.PracticeRecipient is { } r ? Party(ctx, r) : null)
        .Bind<ThreadView>("Thread", "messages", (t, _) => t.Thread.Messages.Select(m => new MessageView(m, t, null)).ToList())
        .Bind<ThreadView>("Thread", "status", (t, _) =>
            t.Thread.AwaitingAnswer ? "AWAITING_ANSWER"
            : t.Thread.AwaitingFollowUp ? "AWAITING_FOLLOW_UP"
            : t.Thread.HandledWithoutReply ? "HANDLED_WITHOUT_REPLY"
            : "ANSWERED")
        .Bind<ThreadView>("Thread", "closedForPatient", (t, _) => t.Thread.ClosedForPatient)
        .Bind<ThreadView>("Thread", "canReply", (t, _) =>
            t.Thread.Kind != QuestionKind.System && (t.Caller.IsStaff || (t.Caller.IsPatient && !t.Thread.ClosedForPatient)))
        .Bind<ThreadView>("Thread", "receivedAt", (t, _) => t.Thread.ReceivedAt is { } r ? Utc(r) : null)
        .Bind<ThreadView>("Thread", "dueDate", (t, _) => MessagingService.DueDate(t.Thread) is { } d ? Iso(d) : null)
        .Bind<ThreadView>("Thread", "overdue", (t, ctx) => Messaging(ctx).IsOverdue(t.Thread))
        .Bind<ThreadView>("Thread", "overdueSince", (t, ctx) => OverdueSinceAsync(t, ctx))
        .Bind<ThreadView>("Thread", "unread", (t, ctx) => UnreadAsync(t, ctx))
        .Bind<ThreadView>("Thread", "expectedAnswerDate", (t, _) => t.Thread.ExpectedAnswerDate is { } d ? Iso(d) : null)
        .Bind<ThreadView>("Thread", "assignee", (t, ctx) => AssigneeAsync(t, ctx))
        .Bind<WeeklyCounts>("WeeklyCounts", "weekStart", (w, _) => Iso(w.WeekStart))
        // FailedNotification
        .Bind<FailedSend>("FailedNotification", "id", (f, _) => f.Notification.Id)
        .Bind<FailedSend>("FailedNotification", "channel", (f, _) => f.Notification.Kind == Jobs.Notifications.NotificationKind.Sms ? "SMS" : "EMAIL")
        .Bind<FailedSend>("FailedNotification", "recipient", (f, _) => f.Notification.Recipient)
        .Bind<FailedSend>("FailedNotification", "person", (f, _) => new Dictionary<string, object?>
        {
            ["reference"] = f.Account.FhirUser ?? $"Account/{f.Account.Id}", ["display"] = f.Account.DisplayName,
        })
        .Bind<FailedSend>("FailedNotification", "subject", (f, _) => f.Notification.Subject)
        .Bind<FailedSend>("FailedNotification", "attempts", (f, _) => f.Notification.Attempts)
        .Bind<FailedSend>("FailedNotification", "error", (f, _) => f.Notification.Error)
        .Bind<FailedSend>("FailedNotification", "createdAt", (f, _) => Utc(f.Notification.CreatedUtc))
        .Bind<FailedSend>("FailedNotification", "failedAt", (f, _) => Utc(f.Notification.FailedUtc))
        .Bind<FailedSend>("FailedNotification", "failedAtLocal", (f, _) => Local(f.Notification.FailedUtc))
        // Message
        .Bind<MessageView>("Message", "id", (m, _) => m.Message.Id)
        .Bind<MessageView>("Message", "threadId", (m, _) => m.Thread.Thread.Id)
        .Bind<MessageView>("Message", "threadTopic", (m, _) => m.Thread.Thread.Topic)
        .Bind<MessageView>("Message", "kind", (m, _) => Kind(m.Message.Kind))
        .Bind<MessageView>("Message", "topic", (m, _) => m.Message.Topic)
        .Bind<MessageView>("Message", "text", (m, _) => m.Message.Text)
        .Bind<MessageView>("Message", "attachments", (m, _) => m.Message.Attachments.Select(a => new Dictionary<string, object?>
        {
            ["title"] = a.Title, ["contentType"] = a.ContentType, ["size"] = (int)a.Size, ["contentBase64"] = a.Data,
        }).ToList())
        .Bind<MessageView>("Message", "sender", (m, ctx) => Party(ctx, m.Message.SenderRef))
        .Bind<MessageView>("Message", "fromPatient", (m, _) => m.Message.FromPatient)
        .Bind<MessageView>("Message", "sent", (m, _) => Utc(m.Message.Sent))
        .Bind<MessageView>("Message", "sentLocal", (m, _) => Local(m.Message.Sent))
        .Bind<MessageView>("Message", "read", (m, ctx) => m.State is { } s ? (object)s.Read : FlagAsync(m, ctx, read: true))
        .Bind<MessageView>("Message", "deleted", (m, ctx) => m.State is { } s ? (object)s.Deleted : FlagAsync(m, ctx, read: false));

    private static async Task<Dictionary<string, object?>?> AssigneeAsync(ThreadView t, ResolverContext ctx)
    {
        if (!t.Caller.IsStaff)
            return null;
        var org = t.Caller.OrganizationId!;
        var state = ctx.Service<PortalState>();
        var assignments = ctx.DataLoader<string, ThreadAssignment>("threadAssignment", (ids, _) =>
            Task.FromResult(state.Assignments(org, ids)));
        var assignment = await assignments.LoadAsync(t.Thread.Id);
        var reference = MessagingService.Assignee(t.Thread, assignment is null
            ? new Dictionary<string, ThreadAssignment>()
            : new Dictionary<string, ThreadAssignment> { [assignment.ThreadId] = assignment });
        return reference is null ? null : await PartyAsync(ctx, reference);
    }

    private static async Task<bool> FlagAsync(MessageView m, ResolverContext ctx, bool read)
    {
        var states = MessageStates(m.Thread.Caller, ctx);
        if (states is null)
            return false;
        var current = await states.LoadAsync(m.Message.Id);
        return current is not null && (read ? current.Read : current.Deleted);
    }

    /// <summary>The caller's read/deleted marks, fetched for every message a response shows in one query.</summary>
    private static DataLoader<string, MessageState>? MessageStates(PortalCaller caller, ResolverContext ctx)
    {
        var user = caller.FhirUser;
        if (user is null || !(caller.IsPatient || caller.IsStaff))
            return null;
        var state = ctx.Service<PortalState>();
        return ctx.DataLoader<string, MessageState>("messageState", (ids, _) => Task.FromResult(state.States(user, ids)));
    }

    private static async Task<bool> UnreadAsync(ThreadView t, ResolverContext ctx)
    {
        var states = MessageStates(t.Caller, ctx);
        var other = MessagingService.FromOtherSide(t.Thread, t.Caller).Select(m => m.Id).ToList();
        if (states is null || other.Count == 0)
            return false;
        return (await states.LoadManyAsync(other)).Any(s => s?.Read != true);
    }

    private static async Task<string?> OverdueSinceAsync(ThreadView t, ResolverContext ctx)
    {
        if (!t.Caller.IsStaff)
            return null;
        var state = ctx.Service<PortalState>();
        var marks = ctx.DataLoader<string, OverdueMark>("overdueMark", (ids, _) => Task.FromResult(state.OpenOverdueMarks(ids)));
        return await marks.LoadAsync(t.Thread.Id) is { } mark ? Utc(mark.MarkedAt) : null;
    }

    private static MessagingService Messaging(ResolverContext ctx) => ctx.Service<MessagingService>();

    private static MessageView View(FolderItem item, ResolverContext ctx) =>
        new(item.Message, new ThreadView(item.Thread, PortalCaller.From(ctx.User)), item.State);

    private static Task<Dictionary<string, object?>> Party(ResolverContext ctx, string reference) => PartyAsync(ctx, reference);

    internal static async Task<Dictionary<string, object?>> PartyAsync(ResolverContext ctx, string reference)
    {
        var service = Messaging(ctx);
        var names = ctx.DataLoader<string, string>("displayName", async (refs, ct) => await service.DisplayNamesAsync(refs, ct));
        return new Dictionary<string, object?> { ["reference"] = reference, ["display"] = await names.LoadAsync(reference) ?? reference };
    }

    private static string Kind(QuestionKind kind) => kind switch
    {
        QuestionKind.Other => "OTHER",
        QuestionKind.System => "SYSTEM",
        _ => "MEDICAL",
    };

    private static string Folder(string folder) => folder switch
    {
        "INBOX" => nameof(PatientFolder.Inbox),
        "PENDING" => nameof(PatientFolder.Pending),
        "SYSTEM" => nameof(PatientFolder.System),
        _ => nameof(PatientFolder.Deleted),
    };

    internal static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static string Local(DateTimeOffset value) =>
        DutchCalendar.ToLocal(Instant.FromDateTimeOffset(value)).ToString("d-M-yyyy HH:mm", CultureInfo.GetCultureInfo("nl-NL"));

    private static LocalDate Date(string text, string field) =>
        LocalDatePattern.Iso.Parse(text) is { Success: true } r ? r.Value : throw MessagingErrors.Invalid("Geef een datum als jjjj-mm-dd.", field);

    internal static IReadOnlyDictionary<string, object?> Input(ResolverContext ctx, string name) =>
        ctx.Arguments.TryGetValue(name, out var v) && v is IReadOnlyDictionary<string, object?> d ? d
        : v is IDictionary<string, object?> m ? m.AsReadOnly()
        : throw MessagingErrors.Invalid("Ontbrekende invoer.", name);

    internal static string? Text(IReadOnlyDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var v) ? v?.ToString() : null;

    private static IReadOnlyList<AttachmentUpload>? Uploads(IReadOnlyDictionary<string, object?> input) =>
        input.TryGetValue("attachments", out var v) && v is IEnumerable list
            ? list.Cast<object?>().Select(a => a is IReadOnlyDictionary<string, object?> d
                ? new AttachmentUpload(Text(d, "fileName"), Text(d, "contentBase64"))
                : a is IDictionary<string, object?> m ? new AttachmentUpload(m.TryGetValue("fileName", out var f) ? f?.ToString() : null,
                    m.TryGetValue("contentBase64", out var c) ? c?.ToString() : null) : new AttachmentUpload(null, null)).ToList()
            : null;

    /// <summary>A cursor connection over a list the service has already filtered; the cursor is the position, opaque to clients.</summary>
    internal static Dictionary<string, object?> Connection<T>(IReadOnlyList<T> items, ResolverContext ctx)
    {
        var first = ctx.ArgumentOrDefault("first", 20);
        if (first < 0 || first > MaxPageSize)
            throw MessagingErrors.Invalid($"first moet tussen 0 en {MaxPageSize} liggen.", "first");
        var start = 0;
        if (ctx.ArgumentOrDefault<string?>("after", null) is { } after)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(after));
                start = decoded.StartsWith("n:", StringComparison.Ordinal) ? int.Parse(decoded[2..], CultureInfo.InvariantCulture) + 1 : throw new FormatException();
            }
            catch (FormatException)
            {
                throw MessagingErrors.Invalid("Deze pagina bestaat niet (meer); laad de lijst opnieuw.", "after");
            }
        }
        var page = items.Skip(start).Take(first).ToList();
        var edges = page.Select((node, i) => new Dictionary<string, object?> { ["cursor"] = Cursor(start + i), ["node"] = node }).ToList();
        return new Dictionary<string, object?>
        {
            ["edges"] = edges,
            ["nodes"] = page,
            ["pageInfo"] = new Dictionary<string, object?>
            {
                ["hasNextPage"] = start + page.Count < items.Count,
                ["endCursor"] = page.Count > 0 ? Cursor(start + page.Count - 1) : null,
            },
            ["totalCount"] = items.Count,
        };
    }

    private static string Cursor(int index) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"n:{index.ToString(CultureInfo.InvariantCulture)}"));
}
