using System.Text.Json;
using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>Lists cost a fixed number of searches and portal queries, however many rows they show (no N+1).</summary>
public sealed class BatchingTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private static readonly string[] Patients =
    [
        "patient-pieter-van-den-berg", "patient-fatima-el-amrani", "patient-willem-bos", "patient-emma-de-jong", "patient-daan-de-jong",
    ];

    private const string InboxQuery = """
        query($n: Int!) { inbox(first: $n) { totalCount nodes {
            id dueDate overdue overdueSince unread patient { display } recipient { display } assignee { display }
            messages { text read sender { display } } } } }
        """;

    [Fact]
    public async Task Inbox_WithNestedNamesAssigneesReadAndOverdueMarks_CostsTheSameForOneRowAsForTwelve()
    {
        foreach (var (patient, i) in Patients.SelectMany(p => new[] { p, p }).Concat(Patients[..2]).Select((p, i) => (p, i)))
        {
            var recipient = i % 3 == 0 ? "PractitionerRole/groep-de-assistentes" : null;
            var response = await host.GraphAsync(Patient(patient), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
                new { input = new { kind = "MEDICAL", recipient, topic = $"Vraag {i}", text = "Tekst" } });
            Assert.False(response.TryGetProperty("errors", out var errors), errors.ToString());
        }
        var staff = Staff("assistent-de-boer");
        var first = (await host.GraphAsync(staff, InboxQuery, new { n = 12 })).Data("inbox").Nodes()[0].Str("id");
        await host.GraphAsync(staff, $"mutation {{ assignThread(threadId: \"{first}\", practitioner: \"Practitioner/huisarts-bakker\") {{ id }} }}");

        var (oneSearches, oneSql, one) = await MeasureAsync(staff, 1);
        var (allSearches, allSql, all) = await MeasureAsync(staff, 12);

        Assert.Single(one.Nodes());
        Assert.Equal(12, all.Nodes().Count);
        Assert.Equal(oneSearches, allSearches);
        Assert.Equal(oneSql, allSql);
        Assert.True(allSearches <= 6, $"{allSearches} searches for one inbox page");
        Assert.Contains(all.Nodes(), t => t.GetProperty("assignee").ValueKind == JsonValueKind.Object && t.GetProperty("assignee").Str("display") == "Claire Bakker");
        Assert.All(all.Nodes(), t => Assert.DoesNotContain("/", t.GetProperty("patient").Str("display")));
    }

    [Fact]
    public async Task Folder_PagesWithCursors()
    {
        const string patient = "patient-sophie-de-jong";
        for (var i = 0; i < 3; i++)
        {
            await host.GraphAsync(Staff("huisarts-de-vries", "huisarts"), "mutation($input: StartMessageInput!) { startMessage(input: $input) { id } }",
                new { input = new { patientId = patient, topic = $"Bericht {i}", text = $"Tekst {i}" } });
        }
        const string page = "query($after: String) { messages(folder: INBOX, first: 2, after: $after) { totalCount edges { cursor node { text } } pageInfo { hasNextPage endCursor } } }";

        var one = (await host.GraphAsync(Patient(patient), page, new { after = (string?)null })).Data("messages");
        Assert.Equal(3, one.GetProperty("totalCount").GetInt32());
        Assert.Equal(["Tekst 2", "Tekst 1"], one.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").Str("text")));
        Assert.True(one.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var two = (await host.GraphAsync(Patient(patient), page, new { after = one.GetProperty("pageInfo").Str("endCursor") })).Data("messages");
        Assert.Equal(["Tekst 0"], two.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").Str("text")));
        Assert.False(two.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var bad = (await host.GraphAsync(Patient(patient), page, new { after = "bogus" })).Error();
        Assert.Equal("after", bad.GetProperty("extensions").Str("field"));
    }

    [Fact]
    public async Task OldUnansweredQuestion_IsMarkedOverdue()
    {
        const string patient = "patient-willem-bos";
        var json = $$"""
            {"resourceType":"Communication","meta":{"profile":["{{KnownEConsult.Profile}}"]},"status":"in-progress",
             "category":[{"coding":[{"system":"{{KnownEConsult.CategorySystem}}","code":"e-consult"}]},{"coding":[{"system":"{{KnownEConsult.CategorySystem}}","code":"medisch"}]}],
             "subject":{"reference":"Patient/{{patient}}"},"topic":{"text":"Oude vraag"},
             "sent":"{{DateTimeOffset.UtcNow.AddDays(-10):yyyy-MM-dd'T'HH:mm:ss'Z'}}","sender":{"reference":"Patient/{{patient}}"},
             "recipient":[{"reference":"Practitioner/huisarts-jansen"}],"payload":[{"contentString":"Ik wacht al lang."}]}
            """;
        var created = await host.Services.GetRequiredService<Fhir.Server.Features.Resources.ResourceService>()
            .CreateAsync("Communication", System.Text.Encoding.UTF8.GetBytes(json));

        var inbox = (await host.GraphAsync(Staff("huisarts-jansen", "huisarts"), "{ inbox(worklist: MINE) { nodes { id overdue dueDate } } }")).Data("inbox").Nodes();
        var thread = Assert.Single(inbox, t => t.Str("id") == created.Resource.Id);
        Assert.True(thread.GetProperty("overdue").GetBoolean());
        Assert.Equal(thread, inbox[0]);
        var counts = (await host.GraphAsync(Staff("huisarts-jansen", "huisarts"), "{ weeklyCounts { openOverdue } }")).Data("weeklyCounts");
        Assert.True(counts.GetProperty("openOverdue").GetInt32() >= 1);
    }

    private async Task<(int Searches, int Sql, JsonElement Inbox)> MeasureAsync(System.Security.Claims.ClaimsPrincipal staff, int n)
    {
        var searches = host.Searches.Count;
        var sql = host.PortalCommands;
        var inbox = (await host.GraphAsync(staff, InboxQuery, new { n })).Data("inbox");
        return (host.Searches.Count - searches, host.PortalCommands - sql, inbox);
    }
}
