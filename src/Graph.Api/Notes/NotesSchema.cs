using System.Globalization;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Api.Notes.Storage;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using NodaTime;

namespace Graph.Api.Notes;

/// <summary>A consent as the caller sees it; Answer is null when they were not asked yet.</summary>
public sealed record NotesConsentView(NotesConsent? Answer);

/// <summary>Binds notes.graphql (Mijn aantekeningen) to <see cref="NotesService"/>.</summary>
public static class NotesSchema
{
    public static SchemaBuilder Bind(SchemaBuilder builder) => builder
        .Bind("Query", "notesConsent", ctx => new NotesConsentView(Service(ctx).Consent(PortalCaller.From(ctx.User))))
        .Bind("Query", "notes", ctx => PortalSchema.Connection(Service(ctx).List(PortalCaller.From(ctx.User)), ctx))
        .Bind("Query", "note", ctx => Service(ctx).Get(PortalCaller.From(ctx.User), ctx.Argument<string>("id")))
        .Bind("Mutation", "setNotesConsent", ctx => new NotesConsentView(Service(ctx).SetConsent(PortalCaller.From(ctx.User), ctx.Argument<bool>("accepted"))))
        .Bind("Mutation", "createNote", ctx => Service(ctx).Create(PortalCaller.From(ctx.User), ctx.Argument<string>("title"), ctx.ArgumentOrDefault<string?>("text", null)))
        .Bind("Mutation", "updateNote", ctx => Service(ctx).Update(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), ctx.Argument<string>("title"),
            ctx.ArgumentOrDefault<string?>("text", null), ctx.Argument<int>("version")))
        .Bind("Mutation", "deleteNote", ctx => Service(ctx).Delete(PortalCaller.From(ctx.User), ctx.Argument<string>("id")))
        .Bind<NotesConsentView>("NotesConsent", "accepted", (c, _) => c.Answer?.Accepted)
        .Bind<NotesConsentView>("NotesConsent", "decidedAt", (c, _) => c.Answer is { } a ? PortalSchema.Utc(a.DecidedAt) : null)
        .Bind<NotesConsentView>("NotesConsent", "decidedAtLocal", (c, _) => c.Answer is { } a ? Local(a.DecidedAt) : null)
        .Bind<NotesConsentView>("NotesConsent", "terms", (_, _) => KnownNotes.Terms)
        .Bind<NotesConsentView>("NotesConsent", "notice", (_, _) => KnownNotes.Notice)
        .Bind<NoteRow>("Note", "id", (n, _) => n.Id)
        .Bind<NoteRow>("Note", "title", (n, ctx) => Service(ctx).Title(n))
        .Bind<NoteRow>("Note", "text", (n, ctx) => Service(ctx).Text(n))
        .Bind<NoteRow>("Note", "version", (n, _) => n.Version)
        .Bind<NoteRow>("Note", "createdAt", (n, _) => PortalSchema.Utc(n.Created))
        .Bind<NoteRow>("Note", "createdAtLocal", (n, _) => Local(n.Created))
        .Bind<NoteRow>("Note", "updatedAt", (n, _) => PortalSchema.Utc(n.Updated))
        .Bind<NoteRow>("Note", "updatedAtLocal", (n, _) => Local(n.Updated));

    private static NotesService Service(ResolverContext ctx) => ctx.Service<NotesService>();

    private static string Local(DateTimeOffset value) =>
        DutchCalendar.ToLocal(Instant.FromDateTimeOffset(value)).ToString("d-M-yyyy HH:mm", CultureInfo.GetCultureInfo("nl-NL"));
}
