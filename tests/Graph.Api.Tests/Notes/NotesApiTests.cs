using System.Net.Http.Json;
using System.Text.Json;
using Graph.Api.Messaging;
using Graph.Api.Notes;
using Graph.Api.Notes.Storage;
using Graph.Api.Tests.Infrastructure;
using Graph.Api.Tests.Messaging;
using Microsoft.Extensions.DependencyInjection;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Notes;

/// <summary>Mijn aantekeningen through the real executor and store of the host, on the demo practice.</summary>
public sealed class NotesApiTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Pieter = "patient-pieter-van-den-berg";
    private const string Fatima = "patient-fatima-el-amrani";
    private const string Willem = "patient-willem-bos";
    private const string Emma = "patient-emma-de-jong";
    private const string Daan = "patient-daan-de-jong";

    private const string NoteFields = "id title text version createdAt createdAtLocal updatedAt updatedAtLocal";
    private const string Create = $"mutation($t: String!, $x: String) {{ createNote(title: $t, text: $x) {{ {NoteFields} }} }}";
    private const string Update = $"mutation($id: ID!, $t: String!, $x: String, $v: Int!) {{ updateNote(id: $id, title: $t, text: $x, version: $v) {{ {NoteFields} }} }}";
    private const string Delete = "mutation($id: ID!) { deleteNote(id: $id) }";
    private const string Read = $"query($id: ID!) {{ note(id: $id) {{ {NoteFields} }} }}";

    private async Task AcceptAsync(string patient) =>
        Assert.True((await host.GraphAsync(Patient(patient), "mutation { setNotesConsent(accepted: true) { accepted } }"))
            .Data("setNotesConsent").GetProperty("accepted").GetBoolean());

    private async Task<JsonElement> CreateAsync(string patient, string title, string? text = null) =>
        (await host.GraphAsync(Patient(patient), Create, new { t = title, x = text })).Data("createNote");

    private async Task<int> CountAsync(string patient) =>
        (await host.GraphAsync(Patient(patient), "{ notes { totalCount } }")).Data("notes").GetProperty("totalCount").GetInt32();

    [Fact]
    public async Task Notes_CreateListReadUpdateDelete_NewestFirst()
    {
        await AcceptAsync(Pieter);
        var before = await CountAsync(Pieter);
        var first = await CreateAsync(Pieter, "Vragen voor de huisarts", "Vragen over mijn bloeddruk");
        var second = await CreateAsync(Pieter, "  Suikerdagboek  ", "Ochtend 7,2");
        Assert.Equal("Suikerdagboek", second.Str("title"));
        Assert.Equal(1, second.GetProperty("version").GetInt32());

        var list = (await host.GraphAsync(Patient(Pieter), "{ notes(first: 1) { totalCount nodes { id title } pageInfo { hasNextPage endCursor } } }")).Data("notes");
        Assert.Equal(before + 2, list.GetProperty("totalCount").GetInt32());
        Assert.Equal(second.Str("id"), list.Nodes()[0].Str("id"));
        var next = (await host.GraphAsync(Patient(Pieter), "query($a: String) { notes(first: 1, after: $a) { nodes { id title } } }",
            new { a = list.GetProperty("pageInfo").Str("endCursor") })).Data("notes");
        Assert.Equal(first.Str("id"), next.Nodes()[0].Str("id"));

        var read = (await host.GraphAsync(Patient(Pieter), Read, new { id = first.Str("id") })).Data("note");
        Assert.Equal("Vragen over mijn bloeddruk", read.Str("text"));

        var changed = (await host.GraphAsync(Patient(Pieter), Update, new { id = first.Str("id"), t = "Vragen", x = "Bloeddruk en slapen", v = 1 })).Data("updateNote");
        Assert.Equal(2, changed.GetProperty("version").GetInt32());
        Assert.Equal("Bloeddruk en slapen", changed.Str("text"));
        Assert.Equal(first.Str("createdAt"), changed.Str("createdAt"));

        Assert.True((await host.GraphAsync(Patient(Pieter), Delete, new { id = first.Str("id") })).Data("deleteNote").GetBoolean());
        Assert.Equal(MessagingErrors.NotFoundCode, (await host.GraphAsync(Patient(Pieter), Read, new { id = first.Str("id") })).Error().Code());
        Assert.Equal(MessagingErrors.NotFoundCode, (await host.GraphAsync(Patient(Pieter), Delete, new { id = first.Str("id") })).Error().Code());
    }

    [Fact]
    public async Task WithoutConsent_NotesAreRefused_AndWithdrawingLocksThemAgain()
    {
        var consent = (await host.GraphAsync(Patient(Willem), "{ notesConsent { accepted decidedAt terms notice } }")).Data("notesConsent");
        Assert.Equal(JsonValueKind.Null, consent.GetProperty("accepted").ValueKind);
        Assert.Equal(KnownNotes.Notice, consent.Str("notice"));
        Assert.Contains("niet lezen", consent.Str("terms"));

        var refused = (await host.GraphAsync(Patient(Willem), Create, new { t = "Test", x = (string?)null })).Error();
        Assert.Equal(KnownNotes.ConsentRequiredCode, refused.Code());
        Assert.Equal("createNote", refused.GetProperty("path")[0].GetString());
        Assert.True(refused.GetProperty("locations").GetArrayLength() > 0);
        Assert.Equal(KnownNotes.ConsentRequiredCode, (await host.GraphAsync(Patient(Willem), "{ notes { totalCount } }")).Error().Code());

        var declined = (await host.GraphAsync(Patient(Willem), "mutation { setNotesConsent(accepted: false) { accepted decidedAt } }")).Data("setNotesConsent");
        Assert.False(declined.GetProperty("accepted").GetBoolean());
        Assert.Equal(KnownNotes.ConsentRequiredCode, (await host.GraphAsync(Patient(Willem), "{ notes { totalCount } }")).Error().Code());

        await AcceptAsync(Willem);
        var note = await CreateAsync(Willem, "Na akkoord");
        await host.GraphAsync(Patient(Willem), "mutation { setNotesConsent(accepted: false) { accepted } }");
        Assert.Equal(KnownNotes.ConsentRequiredCode, (await host.GraphAsync(Patient(Willem), Read, new { id = note.Str("id") })).Error().Code());
    }

    [Fact]
    public async Task Invalid_TitleMissingOrTooLong_TextTooLong_AreRefusedWithTheField()
    {
        await AcceptAsync(Fatima);
        var before = await CountAsync(Fatima);
        var empty = (await host.GraphAsync(Patient(Fatima), Create, new { t = "   ", x = "tekst" })).Error();
        Assert.Equal(MessagingErrors.InvalidCode, empty.Code());
        Assert.Equal("title", empty.GetProperty("extensions").Str("field"));
        Assert.Equal("Geef uw aantekening een titel.", empty.Str("message"));

        var longTitle = (await host.GraphAsync(Patient(Fatima), Create, new { t = new string('a', KnownNotes.MaxTitleLength + 1), x = (string?)null })).Error();
        Assert.Equal("title", longTitle.GetProperty("extensions").Str("field"));

        var longText = (await host.GraphAsync(Patient(Fatima), Create, new { t = "Lang", x = new string('b', KnownNotes.MaxTextLength + 1) })).Error();
        Assert.Equal("text", longText.GetProperty("extensions").Str("field"));
        Assert.Equal(before, await CountAsync(Fatima));
    }

    [Fact]
    public async Task Update_WithStaleVersion_IsAVersionConflict_AndKeepsTheNewerText()
    {
        await AcceptAsync(Fatima);
        var note = await CreateAsync(Fatima, "Medicijnen", "eerste");
        (await host.GraphAsync(Patient(Fatima), Update, new { id = note.Str("id"), t = "Medicijnen", x = "tweede", v = 1 })).Data("updateNote");

        var stale = (await host.GraphAsync(Patient(Fatima), Update, new { id = note.Str("id"), t = "Medicijnen", x = "oud scherm", v = 1 })).Error();
        Assert.Equal(KnownNotes.VersionConflictCode, stale.Code());
        Assert.Equal("tweede", (await host.GraphAsync(Patient(Fatima), Read, new { id = note.Str("id") })).Data("note").Str("text"));
    }

    [Fact]
    public async Task AnotherPatient_CannotReadUpdateOrDelete_AndGetsTheSameAnswerAsForAMissingNote()
    {
        await AcceptAsync(Pieter);
        await AcceptAsync(Emma);
        var pieters = await CreateAsync(Pieter, "Privé", "alleen voor Pieter");
        var id = pieters.Str("id");

        foreach (var target in new[] { id, "bestaat-niet" })
        {
            var read = (await host.GraphAsync(Patient(Emma), Read, new { id = target })).Error();
            Assert.Equal(MessagingErrors.NotFoundCode, read.Code());
            Assert.Equal("Deze aantekening bestaat niet (meer).", read.Str("message"));
            Assert.Equal(MessagingErrors.NotFoundCode, (await host.GraphAsync(Patient(Emma), Update, new { id = target, t = "Overschreven", x = "x", v = 1 })).Error().Code());
            Assert.Equal(MessagingErrors.NotFoundCode, (await host.GraphAsync(Patient(Emma), Delete, new { id = target })).Error().Code());
        }
        Assert.DoesNotContain((await host.GraphAsync(Patient(Emma), "{ notes { nodes { id } } }")).Data("notes").Nodes(), n => n.Str("id") == id);
        Assert.Equal("alleen voor Pieter", (await host.GraphAsync(Patient(Pieter), Read, new { id })).Data("note").Str("text"));
    }

    [Fact]
    public async Task Staff_AreForbidden_EvenToAsk()
    {
        await AcceptAsync(Pieter);
        var id = (await CreateAsync(Pieter, "Niet voor de praktijk")).Str("id");
        foreach (var staff in new[] { Staff("huisarts-de-vries", "huisarts"), Staff("assistent-de-boer"), Staff("manager", "praktijkmanager") })
        {
            Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(staff, "{ notes { totalCount } }")).Error().Code());
            Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(staff, Read, new { id })).Error().Code());
            Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(staff, "{ notesConsent { accepted } }")).Error().Code());
            Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(staff, Create, new { t = "x", x = (string?)null })).Error().Code());
        }
        Assert.Equal(MessagingErrors.UnauthenticatedCode, (await host.GraphAsync(null, "{ notes { totalCount } }")).Error().Code());
    }

    [Fact]
    public async Task Notes_AreNotFhirResources_AHisCannotFindThem_AndTheirTextIsEncryptedAtRest()
    {
        await AcceptAsync(Daan);
        const string marker = "Aantekening-7f3c9e-geheim";
        var id = (await CreateAsync(Daan, marker, marker + " tekst")).Str("id");

        using var his = await host.HisClientAsync();
        var everything = await his.GetAsync($"/fhir/Patient/{Daan}/$everything");
        var body = await everything.Content.ReadAsStringAsync();
        Assert.True(everything.IsSuccessStatusCode, body);
        Assert.DoesNotContain(marker, body);
        Assert.DoesNotContain(id, body);
        foreach (var type in new[] { "DocumentReference", "Communication", "Observation", "Basic" })
        {
            var search = await his.GetAsync($"/fhir/{type}?subject=Patient/{Daan}");
            Assert.DoesNotContain(marker, await search.Content.ReadAsStringAsync());
        }
        var byId = await his.GetAsync($"/fhir/DocumentReference/{id}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, byId.StatusCode);

        var db = host.Services.GetRequiredService<NotesDb>();
        Assert.Equal(0, db.Query("SELECT COUNT(*) FROM resource_version WHERE CAST(json AS TEXT) LIKE @m", r => r.GetInt32(0), ("@m", $"%{marker}%")).Single());
        var stored = db.Query("SELECT title, body FROM notes_note WHERE id = @i", r => r.GetString(0) + r.GetString(1), ("@i", id)).Single();
        Assert.DoesNotContain(marker, stored);
    }
}
