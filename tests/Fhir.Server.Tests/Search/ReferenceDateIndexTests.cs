using System.Net;
using System.Text.Json;
using Fhir.Server.Search;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// ix_reference_date holds a reference and a date of one resource together (a practitioner's appointments by
/// day, a GP's messages by sent). Searches that it drives find exactly what the separate indexes find: it is
/// kept in step on create, update and delete, covers dates that span more than a day, and is filled for a pair
/// the database lacks.
/// </summary>
public class ReferenceDateIndexTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task Put(string type, string id, string json) => _client.PutOkAsync(type, id, json);

    private Task Appointment(string id, string? start, params string[] practitioners)
    {
        var participants = string.Join(",", practitioners.Select(p => $$"""{"actor":{"reference":"Practitioner/{{p}}"},"status":"accepted"}"""));
        var times = start is null ? "" : $$""","start":"{{start}}","end":"{{DateTimeOffset.Parse(start).AddMinutes(10):yyyy-MM-ddTHH:mm:ssZ}}" """;
        return Put("Appointment", id, $$"""{"resourceType":"Appointment","id":"{{id}}","status":"booked"{{times}},"participant":[{{participants}}]}""");
    }

    private async Task<List<string>> Ids(string url)
    {
        var response = await _client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.Diagnostics());
        return SearchFixture.IdsOf(body).Order(StringComparer.Ordinal).ToList();
    }

    private long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = factory.Services.GetRequiredService<SqliteResourceStore>().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task PractitionersDay_FindsExactlyThatDaysAppointments_ByEveryFormOfTheSearch()
    {
        await Appointment("rdi-a1", "2026-12-01T08:00:00Z", "rdi-gp-a");
        await Appointment("rdi-a2", "2026-12-02T08:00:00Z", "rdi-gp-a");
        await Appointment("rdi-a3", "2026-12-02T15:50:00Z", "rdi-gp-a", "rdi-gp-b");
        await Appointment("rdi-a4", "2026-12-02T09:00:00Z", "rdi-gp-b");
        await Appointment("rdi-a5", "2026-12-03T00:00:00Z", "rdi-gp-a");
        await Appointment("rdi-a6", null, "rdi-gp-a");
        List<string> expected = ["rdi-a2", "rdi-a3"];

        Assert.Equal(expected, await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-a&date=ge2026-12-02&date=lt2026-12-03"));
        Assert.Equal(expected, await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-a&date=2026-12-02"));
        Assert.Equal(expected, await Ids("/fhir/Appointment?practitioner=Practitioner/rdi-gp-a&date=ge2026-12-02&date=lt2026-12-03"));
        Assert.Equal(expected, await Ids("/fhir/Appointment?actor:Practitioner=rdi-gp-a&date=ge2026-12-02&date=lt2026-12-03"));
        // An id without a type can match any type: the pair index is not used, the answer is the same.
        Assert.Equal(expected, await Ids("/fhir/Appointment?actor=rdi-gp-a&date=ge2026-12-02&date=lt2026-12-03"));
        Assert.Equal(["rdi-a3", "rdi-a4"], await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-b&date=ge2026-12-02&date=lt2026-12-03"));
        Assert.Equal(["rdi-a2", "rdi-a3", "rdi-a5"], await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-a&date=ge2026-12-02&date=le2026-12-03"));

        var plan = factory.Services.GetRequiredService<FhirSearch>().Explain("Appointment", "actor=Practitioner/rdi-gp-a&date=ge2026-12-02&date=lt2026-12-03");
        Assert.Contains(plan, line => line.Contains("USING PRIMARY KEY (pid=? AND ref_id=? AND ref_type=? AND low>? AND low<?)", StringComparison.Ordinal));
    }

    /// <summary>
    /// A pair row in the range proves the reference and the date bounds by itself, so those are not tested again for the
    /// resources found through it; resources found through a long date value (a month, in ix_date_long) are, and other
    /// arguments always are.
    /// </summary>
    [Fact]
    public async Task GpsDay_RowsInTheRangeProveItsBounds_LongOnesAndOtherArgumentsAreStillTested()
    {
        await Message("rdi-c1", "in-progress", "2026-12-15T00:00:00Z", "rdi-gp-p");
        await Message("rdi-c2", "in-progress", "2026-12-15T23:59:59Z", "rdi-gp-p");
        await Message("rdi-c3", "in-progress", "2026-12-14T23:59:59Z", "rdi-gp-p");
        await Message("rdi-c4", "in-progress", "2026-12-16T00:00:00Z", "rdi-gp-p");
        await Message("rdi-c-done", "completed", "2026-12-15T10:00:00Z", "rdi-gp-p");
        await Message("rdi-c-long-p", "in-progress", "2026-12", "rdi-gp-p");
        await Message("rdi-c-long-q", "in-progress", "2026-12", "rdi-gp-q");
        await Message("rdi-c-long-old", "in-progress", "2025-12", "rdi-gp-p");

        const string gp = "/fhir/Communication?recipient=Practitioner/rdi-gp-p";
        Assert.Equal(["rdi-c-done", "rdi-c-long-p", "rdi-c1", "rdi-c2"], await Ids(gp + "&sent=ge2026-12-15&sent=lt2026-12-16"));
        Assert.Equal(["rdi-c-done", "rdi-c-long-p", "rdi-c1", "rdi-c2", "rdi-c4"], await Ids(gp + "&sent=ge2026-12-15&sent=le2026-12-16"));
        Assert.Equal(["rdi-c-done", "rdi-c-long-p", "rdi-c2"], await Ids(gp + "&sent=gt2026-12-15T00:00:00Z&sent=lt2026-12-16"));
        Assert.Equal(["rdi-c-long-p", "rdi-c1", "rdi-c2"], await Ids(gp + "&sent=ge2026-12-15&sent=lt2026-12-16&status=in-progress"));
        Assert.Equal(["rdi-c-long-q"], await Ids("/fhir/Communication?recipient=Practitioner/rdi-gp-q&sent=ge2026-12-15&sent=lt2026-12-16"));
        // A bound that is not a range's (eq: the value within the day) keeps every date argument tested.
        Assert.Equal(["rdi-c-done", "rdi-c2"], await Ids(gp + "&sent=ge2026-12-15T00:01:00Z&sent=lt2026-12-16&sent=eq2026-12-15"));
    }

    [Fact]
    public async Task MovedAppointment_IsFoundOnItsNewDayOnly_AndADeletedOneLeavesNoRows()
    {
        await Appointment("rdi-move", "2026-12-10T08:00:00Z", "rdi-gp-move");
        Assert.Equal(["rdi-move"], await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-move&date=2026-12-10"));

        await Appointment("rdi-move", "2026-12-11T08:00:00Z", "rdi-gp-move");
        Assert.Empty(await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-move&date=2026-12-10"));
        Assert.Equal(["rdi-move"], await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-move&date=2026-12-11"));
        const string rows = "SELECT COUNT(*) FROM ix_reference_date x JOIN search_resource r ON r.rid = x.rid WHERE r.type = 'Appointment' AND r.id = 'rdi-move'";
        Assert.Equal(2, Scalar(rows)); // actor and practitioner, each with the one start

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/fhir/Appointment/rdi-move")).StatusCode);
        Assert.Empty(await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-move&date=2026-12-11"));
        Assert.Equal(0, Scalar(rows));
    }

    /// <summary>A partial date covers its whole month: a day within it finds the message (through ix_date_long), sorted by its first moment.</summary>
    [Fact]
    public async Task MessageSentInAMonth_IsFoundByADayInThatMonth_AndSortedByItsStart()
    {
        foreach (var (id, sent) in new[] { ("rdi-m1", "2026-03"), ("rdi-m2", "2026-03-10T09:00:00Z"), ("rdi-m3", "2026-03-12T09:00:00Z"), ("rdi-m4", "2026-02-28T23:00:00Z") })
        {
            await Put("Communication", id, $$"""
                {"resourceType":"Communication","id":"{{id}}","status":"in-progress","sent":"{{sent}}","recipient":[{"reference":"Practitioner/rdi-gp-mail"}]}
                """);
        }
        Assert.Equal(["rdi-m1", "rdi-m2"], await Ids("/fhir/Communication?recipient=Practitioner/rdi-gp-mail&sent=ge2026-03-10&sent=lt2026-03-11"));
        var response = await _client.GetAsync("/fhir/Communication?recipient=Practitioner/rdi-gp-mail&status=in-progress&_sort=sent&_count=2");
        var body = await response.ReadJsonAsync();
        Assert.Equal(["rdi-m4", "rdi-m1"], SearchFixture.IdsOf(body));
    }

    private List<string> PairRows(ReferenceDateIndex.Pair pair, string refIdPrefix)
    {
        using var connection = factory.Services.GetRequiredService<SqliteResourceStore>().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ref_id || '|' || ref_type || '|' || low || '|' || high || '|' || rid FROM ix_reference_date WHERE pid = $pid AND ref_id >= $from AND ref_id < $to ORDER BY 1";
        command.Parameters.AddWithValue("$pid", pair.Key);
        command.Parameters.AddWithValue("$from", refIdPrefix);
        command.Parameters.AddWithValue("$to", refIdPrefix + "~");
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(reader.GetString(0));
        return rows;
    }

    private Task Message(string id, string status, string sent, string gp) => Put("Communication", id, $$"""
        {"resourceType":"Communication","id":"{{id}}","status":"{{status}}","sent":"{{sent}}","recipient":[{"reference":"Practitioner/{{gp}}"}]}
        """);

    /// <summary>
    /// recipient and sent are also indexed with status: a GP's open messages are walked by sent without reading the
    /// closed ones. The rows follow a change of status, and every form of the search gives what the plain pair gives.
    /// </summary>
    [Fact]
    public async Task GpsOpenMessagesBySent_AreWalkedFromRowsWithTheirStatus_WhichFollowAChangeOfStatus()
    {
        var triple = ReferenceDateIndex.Find("Communication", "recipient", "sent", "status")!;
        await Message("rdi-s1", "in-progress", "2026-05-03T09:00:00Z", "rdi-gp-status");
        await Message("rdi-s2", "completed", "2026-05-01T09:00:00Z", "rdi-gp-status");
        await Message("rdi-s3", "in-progress", "2026-05-02T09:00:00Z", "rdi-gp-status");
        await Message("rdi-s4", "in-progress", "2026-05-04T09:00:00Z", "rdi-gp-elsewhere");
        Assert.Equal(2, PairRows(triple, "rdi-gp-status|in-progress").Count);
        Assert.Single(PairRows(triple, "rdi-gp-status|completed"));

        const string open = "/fhir/Communication?recipient=Practitioner/rdi-gp-status&_sort=sent&status=";
        Assert.Equal(["rdi-s3", "rdi-s1"], SearchFixture.IdsOf(await (await _client.GetAsync(open + "in-progress")).ReadJsonAsync()));
        Assert.Equal(["rdi-s3", "rdi-s1"], SearchFixture.IdsOf(await (await _client.GetAsync(open + "http://hl7.org/fhir/event-status|in-progress")).ReadJsonAsync()));
        Assert.Empty(SearchFixture.IdsOf(await (await _client.GetAsync(open + "http://example.org/other|in-progress")).ReadJsonAsync()));
        Assert.Equal(["rdi-s2", "rdi-s3", "rdi-s1"], SearchFixture.IdsOf(await (await _client.GetAsync(open + "in-progress,completed")).ReadJsonAsync()));
        Assert.Equal(["rdi-s2"], SearchFixture.IdsOf(await (await _client.GetAsync(open + "completed")).ReadJsonAsync()));

        await Message("rdi-s1", "completed", "2026-05-03T09:00:00Z", "rdi-gp-status");
        Assert.Single(PairRows(triple, "rdi-gp-status|in-progress"));
        Assert.Equal(2, PairRows(triple, "rdi-gp-status|completed").Count);
        Assert.Equal(["rdi-s3"], SearchFixture.IdsOf(await (await _client.GetAsync(open + "in-progress")).ReadJsonAsync()));
        Assert.Equal(["rdi-s2", "rdi-s1"], SearchFixture.IdsOf(await (await _client.GetAsync(open + "completed")).ReadJsonAsync()));

        var before = PairRows(triple, "rdi-gp-");
        await factory.Services.GetRequiredService<SqliteResourceStore>().WriteAsync(session =>
        {
            using var command = ((SqliteConnection)session.Connection).CreateCommand();
            command.CommandText = "DELETE FROM ix_reference_date WHERE pid = $pid; DELETE FROM ix_reference_date_pair WHERE pid = $pid";
            command.Parameters.AddWithValue("$pid", triple.Key);
            return command.ExecuteNonQuery();
        });
        Assert.Empty(PairRows(triple, "rdi-gp-"));
        factory.Services.GetRequiredService<ReferenceDateIndex>().Backfill();
        Assert.Equal(before, PairRows(triple, "rdi-gp-"));
    }

    [Fact]
    public async Task Backfill_FillsAPairTheDatabaseLacks_AndDropsOneNoLongerDeclared()
    {
        await Appointment("rdi-fill-1", "2026-12-20T08:00:00Z", "rdi-gp-fill");
        await Appointment("rdi-fill-2", "2026-12-21T08:00:00Z", "rdi-gp-fill", "rdi-gp-other");
        var pair = ReferenceDateIndex.Find("Appointment", "actor", "date")!;
        var store = factory.Services.GetRequiredService<SqliteResourceStore>();
        List<string> Rows()
        {
            using var connection = store.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT ref_id || '|' || ref_type || '|' || low || '|' || high || '|' || rid FROM ix_reference_date WHERE pid = $pid ORDER BY 1";
            command.Parameters.AddWithValue("$pid", pair.Key);
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
                rows.Add(reader.GetString(0));
            return rows;
        }
        var before = Rows();
        Assert.Contains(before, r => r.StartsWith("rdi-gp-other|Practitioner|", StringComparison.Ordinal));

        const long undeclared = 12345;
        await store.WriteAsync(session =>
        {
            using var command = ((SqliteConnection)session.Connection).CreateCommand();
            command.CommandText = """
                DELETE FROM ix_reference_date WHERE pid = $pid; DELETE FROM ix_reference_date_pair WHERE pid = $pid;
                INSERT INTO ix_reference_date VALUES ($undeclared, 'x', 'Practitioner', 0, 0, 1); INSERT INTO ix_reference_date_pair VALUES ($undeclared);
                """;
            command.Parameters.AddWithValue("$pid", pair.Key);
            command.Parameters.AddWithValue("$undeclared", undeclared);
            return command.ExecuteNonQuery();
        });
        Assert.Empty(Rows());
        Assert.Empty(await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-fill&date=2026-12-20"));

        factory.Services.GetRequiredService<ReferenceDateIndex>().Backfill();

        Assert.Equal(before, Rows());
        Assert.Equal(["rdi-fill-1"], await Ids("/fhir/Appointment?actor=Practitioner/rdi-gp-fill&date=2026-12-20"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM ix_reference_date WHERE pid = $u", ("$u", undeclared)));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM ix_reference_date_pair WHERE pid = $u", ("$u", undeclared)));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM ix_reference_date_pair WHERE pid = $p", ("$p", pair.Key)));
    }
}
