using Graph.Api.Messaging;
using Graph.Api.Notes.Storage;
using Graph.Engine.Execution;

namespace Graph.Api.Notes;

/// <summary>
/// Mijn aantekeningen: private notes of a patient account holder, usable after accepting the terms. Only the
/// account holder reads them: staff are refused, another patient gets the same NOT_FOUND as for a missing note,
/// and a parent's notes are their own, not their child's.
/// </summary>
public sealed class NotesService(NotesDb db, NoteProtector protector, TimeProvider time)
{
    public NotesConsent? Consent(PortalCaller caller) => db.Consent(Owner(caller));

    public NotesConsent SetConsent(PortalCaller caller, bool accepted)
    {
        var now = time.GetUtcNow();
        db.SaveConsent(Owner(caller), accepted, now);
        return new NotesConsent(accepted, now);
    }

    /// <summary>The caller's notes, newest first; title and text are decrypted when read (<see cref="Title"/>, <see cref="Text"/>), so a page decrypts only itself.</summary>
    public IReadOnlyList<NoteRow> List(PortalCaller caller) => db.Notes(Consented(caller));

    public NoteRow Get(PortalCaller caller, string id) => db.Note(Consented(caller), id) ?? throw NotFound();

    public string Title(NoteRow row) => protector.Unprotect(row.OwnerRef, row.ProtectedTitle);

    public string Text(NoteRow row) => protector.Unprotect(row.OwnerRef, row.ProtectedBody);

    public NoteRow Create(PortalCaller caller, string? title, string? text)
    {
        var owner = Consented(caller);
        var (t, body) = Validate(title, text);
        var now = time.GetUtcNow();
        var row = new NoteRow(Guid.CreateVersion7().ToString("N"), owner, protector.Protect(owner, t), protector.Protect(owner, body), 1, now, now);
        db.Insert(row);
        return row;
    }

    public NoteRow Update(PortalCaller caller, string id, string? title, string? text, int version)
    {
        var owner = Consented(caller);
        var (t, body) = Validate(title, text);
        if (!db.Update(owner, id, version, protector.Protect(owner, t), protector.Protect(owner, body), time.GetUtcNow()))
        {
            _ = db.Note(owner, id) ?? throw NotFound();
            throw new GraphQLException("Deze aantekening is intussen gewijzigd. Open hem opnieuw en breng uw wijziging daarna aan.", KnownNotes.VersionConflictCode);
        }
        return db.Note(owner, id) ?? throw NotFound();
    }

    public bool Delete(PortalCaller caller, string id) => db.Delete(Consented(caller), id) ? true : throw NotFound();

    private static string Owner(PortalCaller caller)
    {
        caller.RequirePatient();
        return caller.FhirUser!;
    }

    private string Consented(PortalCaller caller)
    {
        var owner = Owner(caller);
        if (db.Consent(owner) is not { Accepted: true })
            throw new GraphQLException("U kunt Mijn aantekeningen pas gebruiken als u akkoord gaat met de voorwaarden. Dat kan bij Instellingen.",
                KnownNotes.ConsentRequiredCode);
        return owner;
    }

    private static (string Title, string Text) Validate(string? title, string? text)
    {
        var t = title?.Trim() ?? "";
        var body = text?.Trim() ?? "";
        if (t.Length == 0)
            throw MessagingErrors.Invalid("Geef uw aantekening een titel.", "title");
        if (t.Length > KnownNotes.MaxTitleLength)
            throw MessagingErrors.Invalid($"De titel mag hoogstens {KnownNotes.MaxTitleLength} tekens lang zijn.", "title");
        if (body.Length > KnownNotes.MaxTextLength)
            throw MessagingErrors.Invalid($"De aantekening mag hoogstens {KnownNotes.MaxTextLength} tekens lang zijn.", "text");
        return (t, body);
    }

    private static GraphQLException NotFound() => new("Deze aantekening bestaat niet (meer).", MessagingErrors.NotFoundCode);
}
