namespace Portal.Ui.Components.Pages.Notes;

/// <summary>The GraphQL operations of Mijn aantekeningen and the answers they are read into.</summary>
public static class NotesOperations
{
    private const string NoteFields = "id title text version createdAtLocal updatedAtLocal";

    private const string ConsentFields = "accepted decidedAtLocal terms notice";

    public const string Consent = "query NotesConsent { notesConsent { " + ConsentFields + " } }";

    public const string SetConsent = "mutation SetNotesConsent($accepted: Boolean!) { setNotesConsent(accepted: $accepted) { " + ConsentFields + " } }";

    public const string List = "query Notes($after: String) { notes(first: 20, after: $after) { totalCount nodes { id title createdAtLocal updatedAtLocal } pageInfo { hasNextPage endCursor } } }";

    public const string One = "query Note($id: ID!) { note(id: $id) { " + NoteFields + " } }";

    public const string Create = "mutation CreateNote($title: String!, $text: String) { createNote(title: $title, text: $text) { " + NoteFields + " } }";

    public const string Update = "mutation UpdateNote($id: ID!, $title: String!, $text: String, $version: Int!) { updateNote(id: $id, title: $title, text: $text, version: $version) { " + NoteFields + " } }";

    public const string Delete = "mutation DeleteNote($id: ID!) { deleteNote(id: $id) }";

    public sealed record NotesConsent(bool? Accepted, string? DecidedAtLocal, string Terms, string Notice);

    public sealed record ConsentData(NotesConsent NotesConsent);

    public sealed record SetConsentData(NotesConsent SetNotesConsent);

    public sealed record NoteSummary(string Id, string Title, string CreatedAtLocal, string UpdatedAtLocal);

    public sealed record Note(string Id, string Title, string Text, int Version, string CreatedAtLocal, string UpdatedAtLocal);

    public sealed record PageInfo(bool HasNextPage, string? EndCursor);

    public sealed record NoteConnection(int TotalCount, IReadOnlyList<NoteSummary> Nodes, PageInfo PageInfo);

    public sealed record ListData(NoteConnection Notes);

    public sealed record OneData(Note? Note);

    public sealed record CreateData(Note CreateNote);

    public sealed record UpdateData(Note UpdateNote);

    public sealed record DeleteData(bool DeleteNote);
}
