using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Graph.Api.Notes.Storage;

/// <summary>A note as stored: title and body are still protected (see <see cref="NoteProtector"/>).</summary>
public sealed record NoteRow(string Id, string OwnerRef, string ProtectedTitle, string ProtectedBody, int Version, DateTimeOffset Created, DateTimeOffset Updated);

/// <summary>The answer to the notes terms: accepted or not, and when.</summary>
public sealed record NotesConsent(bool Accepted, DateTimeOffset DecidedAt);

/// <summary>The tables of module "notes": the consent to the notes terms and the notes, per account holder.</summary>
public sealed class NotesDb(IOptions<StorageOptions> storage) : SqliteModuleDb(storage.Value.ConnectionString)
{
    public static IReadOnlyList<SchemaMigrator.Script> Migrations { get; } =
        SchemaMigrator.FromAssembly(typeof(NotesDb).Assembly, "notes", "Notes/Storage/Migrations/Sqlite");

    public NotesConsent? Consent(string ownerRef) =>
        Query("SELECT accepted, decided_utc FROM notes_consent WHERE owner_ref = @o",
            r => new NotesConsent(r.GetInt64(0) != 0, ParseTime(r.GetString(1))), ("@o", ownerRef)).FirstOrDefault();

    public void SaveConsent(string ownerRef, bool accepted, DateTimeOffset at) => Execute("""
        INSERT INTO notes_consent (owner_ref, accepted, decided_utc) VALUES (@o, @a, @t)
        ON CONFLICT (owner_ref) DO UPDATE SET accepted = excluded.accepted, decided_utc = excluded.decided_utc
        """, ("@o", ownerRef), ("@a", accepted ? 1 : 0), ("@t", Time(at)));

    /// <summary>The owner's notes, newest first.</summary>
    public List<NoteRow> Notes(string ownerRef) =>
        Query($"SELECT {Columns} FROM notes_note WHERE owner_ref = @o ORDER BY created_utc DESC, id DESC", Map, ("@o", ownerRef));

    /// <summary>One note of this owner; null when there is none with this id or it is someone else's.</summary>
    public NoteRow? Note(string ownerRef, string id) =>
        Query($"SELECT {Columns} FROM notes_note WHERE id = @i AND owner_ref = @o", Map, ("@i", id), ("@o", ownerRef)).FirstOrDefault();

    public void Insert(NoteRow note) => Execute("""
        INSERT INTO notes_note (id, owner_ref, title, body, version, created_utc, updated_utc) VALUES (@i, @o, @ti, @b, @v, @c, @u)
        """, ("@i", note.Id), ("@o", note.OwnerRef), ("@ti", note.ProtectedTitle), ("@b", note.ProtectedBody), ("@v", note.Version),
        ("@c", Time(note.Created)), ("@u", Time(note.Updated)));

    /// <summary>Replaces title and body only if the stored version is still <paramref name="expectedVersion"/>; false otherwise.</summary>
    public bool Update(string ownerRef, string id, int expectedVersion, string protectedTitle, string protectedBody, DateTimeOffset at) => Execute("""
        UPDATE notes_note SET title = @ti, body = @b, version = version + 1, updated_utc = @u
        WHERE id = @i AND owner_ref = @o AND version = @v
        """, ("@ti", protectedTitle), ("@b", protectedBody), ("@u", Time(at)), ("@i", id), ("@o", ownerRef), ("@v", expectedVersion)) == 1;

    public bool Delete(string ownerRef, string id) =>
        Execute("DELETE FROM notes_note WHERE id = @i AND owner_ref = @o", ("@i", id), ("@o", ownerRef)) == 1;

    private const string Columns = "id, owner_ref, title, body, version, created_utc, updated_utc";

    private static NoteRow Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
        ParseTime(r.GetString(5)), ParseTime(r.GetString(6)));
}
