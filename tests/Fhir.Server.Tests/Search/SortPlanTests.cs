using System.Globalization;
using System.Text.Json.Nodes;
using Fhir.Server.Search;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Parsing;
using Fhir.Server.Search.Query;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// A page sorted by a date is read either by walking rows in date order, or by sorting the driver set. The walk
/// reads one reference's rows of a pair in ix_reference_date (a GP's messages by sent) when the search has that
/// reference, otherwise the date index of every resource (cheap while matches are common among all values; the
/// driver set instead is a fixed size however many GPs the data holds). The executor chooses by estimated rows;
/// all plans give the same pages and their cursors are interchangeable.
/// </summary>
public class SortPlanTests(ITestOutputHelper output)
{
    /// <summary>recipient is indexed with sent (ReferenceDateIndex); sender is not.</summary>
    private const string ByRecipient = "recipient=Practitioner/gp3&status=in-progress&_sort=sent&_count=20";

    private const string BySender = "sender=Practitioner/gp3&status=in-progress&_sort=sent&_count=20";

    /// <summary>The driver subquery reads the reference index by its key (parameter, referenced id and type).</summary>
    private const string ReferenceKeySearch = "USING PRIMARY KEY (pid=? AND ref_id=? AND ref_type=?)";

    /// <summary>The walk reads the date index of the sort parameter in order.</summary>
    private const string SortIndexWalk = "SEARCH d USING PRIMARY KEY (pid=?)";

    /// <summary>The walk reads one reference's rows of ix_reference_date in date order.</summary>
    private const string ReferenceDateWalk = "SEARCH d USING PRIMARY KEY (pid=? AND ref_id=? AND ref_type=?";

    /// <summary>
    /// Every GP has 1,200 messages (above the probe cap), a quarter of them open, with send times spread over all GPs.
    /// With 20 or 80 GPs one GP's open messages are 1 in 80 or 1 in 320 of all values: walking to 21 of them would
    /// read about 1,700 or 6,700 index rows, each dearer than a row of the GP's 1,200, so the GP's set drives at both sizes.
    /// </summary>
    [Theory]
    [InlineData(20)]
    [InlineData(80)]
    public void OneSendersOpenMessagesBySent_AreSortedFromTheSendersSet_AsGpsAreAdded(int gps)
    {
        using var factory = new FhirServerFactory();
        SeedMessages(factory, gps, perGp: 1200);
        var plan = factory.Services.GetRequiredService<FhirSearch>().Explain("Communication", BySender);
        output.WriteLine($"{gps} GPs:\n  " + string.Join("\n  ", plan));
        Assert.DoesNotContain(plan, line => line.StartsWith(SortIndexWalk, StringComparison.Ordinal));
        var driver = plan.SkipWhile(line => !line.StartsWith("LIST SUBQUERY", StringComparison.Ordinal)).Skip(1)
            .First(line => line.StartsWith("SEARCH", StringComparison.Ordinal));
        Assert.Contains(ReferenceKeySearch, driver);
    }

    /// <summary>With two GPs one in eight values is a match: 21 are found within ~170 rows of the walk, far cheaper than the GP's 4,000.</summary>
    [Fact]
    public void OneSendersOpenMessagesBySent_AreFoundByWalkingSent_WhenMatchesAreCommon()
    {
        using var factory = new FhirServerFactory();
        SeedMessages(factory, gps: 2, perGp: 4000);
        var plan = factory.Services.GetRequiredService<FhirSearch>().Explain("Communication", BySender.Replace("gp3", "gp1", StringComparison.Ordinal));
        output.WriteLine(string.Join("\n", plan));
        Assert.Contains(plan, line => line.StartsWith(SortIndexWalk, StringComparison.Ordinal));
    }

    /// <summary>
    /// By recipient the walk reads only that GP's rows, in sent order: one in four is open, so 21 are found within
    /// ~84 rows at any number of GPs, where the date index of all messages would need 1,700 or 6,700.
    /// </summary>
    [Theory]
    [InlineData(20)]
    [InlineData(80)]
    public void OneGpsOpenMessagesBySent_AreWalkedFromTheGpsOwnRows_AsGpsAreAdded(int gps)
    {
        using var factory = new FhirServerFactory();
        SeedMessages(factory, gps, perGp: 1200);
        var plan = factory.Services.GetRequiredService<FhirSearch>().Explain("Communication", ByRecipient);
        output.WriteLine($"{gps} GPs:\n  " + string.Join("\n  ", plan));
        Assert.Contains(plan, line => line.StartsWith(ReferenceDateWalk, StringComparison.Ordinal));
        // Only ties of one send time are sorted by rid as they come; the walk is never sorted as a whole.
        Assert.DoesNotContain("USE TEMP B-TREE FOR ORDER BY", plan);
        // Each walked row is an open message of the GP at its only send time: no status, send time or tie is looked up per row.
        Assert.DoesNotContain(plan, line => line.Contains("CORRELATED", StringComparison.Ordinal));
    }

    /// <summary>
    /// The same pages, page by page, from either plan and from the plans taking turns (a cursor of one plan
    /// continues in the other): ascending and descending, with ties, partial dates (a month) and messages
    /// without a send time (last either way).
    /// </summary>
    [Theory]
    [InlineData("recipient", "_sort=sent", "in-progress")]
    [InlineData("recipient", "_sort=sent", "http://hl7.org/fhir/event-status|in-progress")]
    [InlineData("recipient", "_sort=-sent", "in-progress")]
    [InlineData("recipient", "_sort=sent,-_id", "in-progress")]
    [InlineData("sender", "_sort=sent", "in-progress")]
    [InlineData("sender", "_sort=-sent", "in-progress")]
    public async Task BothPlans_GiveTheSamePages_AndTheirCursorsAreInterchangeable(string reference, string sort, string status)
    {
        using var factory = new FhirServerFactory();
        await CreateMessages(factory);
        var query = $"{reference}=Practitioner/plan-gp-a&status={status}&{sort}&_count=7";

        var walked = Pages(factory, query, _ => SortPlan.WalkSortIndex);
        var sorted = Pages(factory, query, _ => SortPlan.SortDriverSet);
        var chosen = Pages(factory, query, _ => SortPlan.Chosen);
        var takingTurns = Pages(factory, query, n => n % 2 == 0 ? SortPlan.WalkSortIndex : SortPlan.SortDriverSet);
        var takingTurnsOtherFirst = Pages(factory, query, n => n % 2 == 0 ? SortPlan.SortDriverSet : SortPlan.WalkSortIndex);

        var expected = ExpectedOrder(sort);
        Assert.Equal(expected, walked.SelectMany(p => p).ToList());
        Assert.Equal(walked, sorted);
        Assert.Equal(walked, chosen);
        Assert.Equal(walked, takingTurns);
        Assert.Equal(walked, takingTurnsOtherFirst);
        Assert.True(walked.Count >= 5, $"{walked.Count} pages");
    }

    /// <summary>
    /// A GP's rows with status in-progress are walked for any argument with that code, but they hold no system: one with
    /// another system is still tested on each row, and so matches none, in either plan.
    /// </summary>
    [Fact]
    public async Task WalkOfAGpsOpenMessages_StillTestsTheStatusSystem()
    {
        using var factory = new FhirServerFactory();
        await CreateMessages(factory);
        var query = "recipient=Practitioner/plan-gp-a&status=http://example.org/other|in-progress&_sort=sent&_count=7";

        Assert.Equal([[]], Pages(factory, query, _ => SortPlan.WalkSortIndex));
        Assert.Equal([[]], Pages(factory, query, _ => SortPlan.SortDriverSet));
    }

    /// <summary>
    /// Immunization.reaction.date has many values (reaction 0..*): each immunization's two or three reaction dates lie
    /// between others'. A walk of the date index still takes each immunization once, at its earliest date ascending and
    /// its latest descending, as sorting does, page by page.
    /// </summary>
    [Theory]
    [InlineData("_sort=reaction-date")]
    [InlineData("_sort=-reaction-date")]
    public async Task ManyValuedDate_IsWalkedOncePerResource_AtItsSortValue(string sort)
    {
        using var factory = new FhirServerFactory();
        var client = factory.CreateClient();
        var start = new DateTime(2026, 4, 1, 8, 0, 0, DateTimeKind.Utc);
        var reactions = new Dictionary<string, List<DateTime>>();
        for (var i = 0; i < 30; i++)
        {
            var id = $"imm-{i:00}";
            reactions[id] = Enumerable.Range(0, 2 + i % 2).Select(k => start.AddHours((i * 7 + k * 31) % 97)).ToList();
            var dates = string.Join(",", reactions[id].Select(d => $$"""{"date":"{{d:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}"""));
            await client.PutOkAsync("Immunization", id, $$"""
                {"resourceType":"Immunization","id":"{{id}}","status":"completed","patient":{"reference":"Patient/imm-p"},
                 "vaccineCode":{"text":"griep"},"occurrenceDateTime":"2026-04-01","reaction":[{{dates}}]}
                """);
        }
        var descending = sort.StartsWith("_sort=-", StringComparison.Ordinal);
        var created = reactions.Keys.ToList();
        var expected = (descending ? reactions.OrderByDescending(r => r.Value.Max()) : reactions.OrderBy(r => r.Value.Min()))
            .ThenBy(r => created.IndexOf(r.Key)).Select(r => r.Key).ToList();

        var walked = Pages(factory, sort + "&_count=4", _ => SortPlan.WalkSortIndex, "Immunization");
        var sorted = Pages(factory, sort + "&_count=4", _ => SortPlan.SortDriverSet, "Immunization");

        Assert.Equal(expected, walked.SelectMany(p => p).ToList());
        Assert.Equal(sorted, walked);
    }

    /// <summary>
    /// With a GP's 1,300 messages and 1,300 open ones of two GPs (both sets above the probe cap) the chosen plan first
    /// walks a budget of rows in page order and takes the page from it when it holds one. Send times repeat (about six
    /// messages a minute), so equal times straddle the end of the budget; the pages are still those of the sorted
    /// driver set, page by page.
    /// </summary>
    [Theory]
    [InlineData("recipient", "_sort=sent")]
    [InlineData("recipient", "_sort=-sent")]
    [InlineData("sender", "_sort=sent")]
    public async Task TrialWalk_GivesTheSamePagesAsTheSortedDriverSet(string reference, string sort)
    {
        using var factory = new FhirServerFactory();
        var client = factory.CreateClient();
        for (var batch = 0; batch < 4; batch++)
        {
            var entries = new JsonArray();
            for (var i = batch * 650; i < (batch + 1) * 650; i++)
            {
                var gp = i < 1300 ? "trial-gp" : "other-gp";
                entries.Add(new JsonObject
                {
                    ["resource"] = new JsonObject
                    {
                        ["resourceType"] = "Communication",
                        ["status"] = i % 2 == 0 ? "in-progress" : "completed",
                        ["sent"] = new DateTime(2026, 5, 1, 8, 0, 0, DateTimeKind.Utc).AddMinutes(i * 7919 % 211).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                        ["recipient"] = new JsonArray(new JsonObject { ["reference"] = $"Practitioner/{gp}" }),
                        ["sender"] = new JsonObject { ["reference"] = $"Practitioner/{gp}" },
                    },
                    ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Communication" },
                });
            }
            var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "batch", ["entry"] = entries };
            var response = await client.PostAsync("/fhir", FhirHttp.Json(bundle.ToJsonString()));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        var query = $"{reference}=Practitioner/trial-gp&status=in-progress&{sort}&_count=10";

        var chosen = Pages(factory, query, _ => SortPlan.Chosen);
        var sorted = Pages(factory, query, _ => SortPlan.SortDriverSet);

        Assert.Equal(650, sorted.Sum(p => p.Count));
        Assert.Equal(sorted, chosen);
    }

    /// <summary>The ids of each page, following next cursors, with the plan of page n from <paramref name="planOf"/>.</summary>
    private static List<List<string>> Pages(FhirServerFactory factory, string query, Func<int, SortPlan> planOf, string type = "Communication")
    {
        var services = factory.Services;
        var executor = services.GetRequiredService<SearchExecutor>();
        var builder = new ConditionBuilder(services.GetRequiredService<SearchParameterRegistry>(), null, TimeProvider.System);
        using var connection = services.GetRequiredService<SqliteResourceStore>().OpenConnection();
        var pages = new List<List<string>>();
        string? cursor = null;
        do
        {
            var request = SearchRequest.Parse(SearchRequest.ParseQuery(query + (cursor is null ? "" : "&_cursor=" + cursor)), strict: true, 50, 1000);
            var conditions = builder.Build([type], request);
            var page = executor.Execute(connection, [type], conditions, request, null, planOf(pages.Count));
            pages.Add(page.Matches.Select(m => m.Id).ToList());
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count < 100);
        return pages;
    }

    /// <summary>
    /// 120 messages: to GP a or b, open or completed; send times with ties (three per minute), a month ("2026-03",
    /// sorted by its first moment ascending and its last descending) and none at all.
    /// </summary>
    private static readonly List<(string Id, string Gp, bool Open, string? Sent)> Messages = Enumerable.Range(0, 120).Select(i =>
    (
        Id: $"msg-{(i * 37 % 120):000}",
        Gp: i % 3 == 0 ? "plan-gp-b" : "plan-gp-a",
        Open: i % 5 != 0,
        Sent: (i % 11) switch
        {
            0 => null,
            1 => "2026-03",
            _ => new DateTime(2026, 2, 1, 8, 0, 0, DateTimeKind.Utc).AddMinutes((i * 53 % 120) / 3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }
    )).ToList();

    /// <summary>The matches in the order of <paramref name="sort"/>, ties by creation order (rid), no send time last.</summary>
    private static List<string> ExpectedOrder(string sort)
    {
        var matches = Messages.Select((m, n) => (m.Id, m.Gp, m.Open, m.Sent, Created: n)).Where(m => m.Gp == "plan-gp-a" && m.Open).ToList();
        var descending = sort.StartsWith("_sort=-", StringComparison.Ordinal);
        long Key(string? sent) => sent switch
        {
            null => descending ? long.MinValue : long.MaxValue,
            "2026-03" => descending ? new DateTimeOffset(2026, 3, 31, 23, 59, 59, 999, TimeSpan.Zero).ToUnixTimeMilliseconds()
                : new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            _ => DateTimeOffset.Parse(sent, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
        };
        var ordered = descending ? matches.OrderByDescending(m => Key(m.Sent)) : matches.OrderBy(m => Key(m.Sent));
        ordered = sort.EndsWith("-_id", StringComparison.Ordinal)
            ? ordered.ThenByDescending(m => m.Id, StringComparer.Ordinal)
            : ordered.ThenBy(m => m.Created);
        return ordered.Select(m => m.Id).ToList();
    }

    private static async Task CreateMessages(FhirServerFactory factory)
    {
        var client = factory.CreateClient();
        foreach (var gp in new[] { "plan-gp-a", "plan-gp-b" })
        {
            var put = await client.PutAsync($"/fhir/Practitioner/{gp}", FhirHttp.Json($$"""{"resourceType":"Practitioner","id":"{{gp}}"}"""));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        // One at a time, in order, so that creation order (rid) is the list's order.
        foreach (var m in Messages)
        {
            var resource = new JsonObject
            {
                ["resourceType"] = "Communication",
                ["id"] = m.Id,
                ["status"] = m.Open ? "in-progress" : "completed",
                ["recipient"] = new JsonArray(new JsonObject { ["reference"] = $"Practitioner/{m.Gp}" }),
                ["sender"] = new JsonObject { ["reference"] = $"Practitioner/{m.Gp}" },
            };
            if (m.Sent is not null)
                resource["sent"] = m.Sent;
            var response = await client.PutAsync($"/fhir/Communication/{m.Id}", FhirHttp.Json(resource.ToJsonString()));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Index rows only (as <see cref="SearchQueryPlanTests"/>), generated in SQL: <paramref name="perGp"/> messages for each of <paramref name="gps"/> GPs, who are recipient and sender.</summary>
    private static void SeedMessages(FhirServerFactory factory, int gps, int perGp)
    {
        long P(string code) => ParamKey.For("Communication", code);
        var total = gps * perGp;
        var sql = $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {total})
            INSERT INTO search_resource (rid, type, id, seq, last_updated, alive) SELECT 1000000 + i, 'Communication', 'c' || i, 0, 0, 1 FROM n;
            INSERT INTO ix_reference (pid, ref_id, ref_type, rid) SELECT {P("recipient")}, 'gp' || (rid % {gps}), 'Practitioner', rid FROM search_resource WHERE type = 'Communication';
            INSERT INTO ix_reference (pid, ref_id, ref_type, rid) SELECT {P("sender")}, 'gp' || (rid % {gps}), 'Practitioner', rid FROM search_resource WHERE type = 'Communication';
            INSERT INTO ix_token (pid, code, system, rid) SELECT {P("status")}, CASE (rid / {gps}) % 4 WHEN 0 THEN 'in-progress' ELSE 'completed' END, 'http://hl7.org/fhir/event-status', rid FROM search_resource WHERE type = 'Communication';
            INSERT INTO ix_date (pid, low, high, rid) SELECT {P("sent")}, (rid * 7919 % {total}) * 60000, (rid * 7919 % {total}) * 60000 + 999, rid FROM search_resource WHERE type = 'Communication';
            """;
        factory.SeedIndexRows(sql);
    }
}
