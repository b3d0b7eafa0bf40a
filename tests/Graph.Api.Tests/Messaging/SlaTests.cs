using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>
/// The deadline watch with a clock the test sets: a question sent on Thursday 23 April 2026 is due
/// two working days later, Tuesday 28 April (the weekend and Koningsdag, Monday 27 April, do not
/// count), and is overdue from midnight in Amsterdam.
/// </summary>
public sealed class SlaTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Willem = "patient-willem-bos";
    private static readonly DateTimeOffset Sent = new(2026, 4, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastMinuteOfDueDate = new(2026, 4, 28, 21, 59, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstMinuteAfter = new(2026, 4, 28, 22, 1, 0, TimeSpan.Zero);

    private EConsultSla Sla(TimeProvider clock) => new(host.Services.GetRequiredService<MessagingService>(), host.Services.GetRequiredService<PortalState>(), clock);

    private IReadOnlyDictionary<string, OverdueMark> Marks(string thread) => host.Services.GetRequiredService<PortalState>().OpenOverdueMarks([thread]);

    [Fact]
    public async Task Question_IsMarkedOverdue_FromMidnightAfterItsDueDate_OnlyOnce_AndResolvedWhenAnswered()
    {
        var id = await TestData.QuestionAsync(host, Willem, Sent, "Vraag voor Koningsdag");
        var clock = new SetTime(LastMinuteOfDueDate);

        await Sla(clock).RunAsync();
        Assert.Empty(Marks(id));

        clock.Now = FirstMinuteAfter;
        var first = await Sla(clock).RunAsync();
        var mark = Assert.Single(Marks(id)).Value;
        Assert.Equal(new NodaTime.LocalDate(2026, 4, 28), mark.DueDate);
        Assert.Equal(FirstMinuteAfter, mark.MarkedAt);
        Assert.Equal(PortalApiFactory.Organization, mark.OrganizationId);
        Assert.True(first.NewlyMarked >= 1);

        clock.Now = FirstMinuteAfter.AddHours(3);
        var again = await Sla(clock).RunAsync();
        Assert.Equal(0, again.NewlyMarked);
        Assert.Equal(FirstMinuteAfter, Assert.Single(Marks(id)).Value.MarkedAt);

        var staff = Staff("huisarts-jansen", "huisarts");
        var inbox = (await host.GraphAsync(staff, "{ inbox(overdue: true) { nodes { id overdue overdueSince dueDate } } }")).Data("inbox").Nodes();
        var thread = Assert.Single(inbox, t => t.Str("id") == id);
        Assert.Equal("2026-04-28T22:01:00Z", thread.Str("overdueSince"));
        Assert.Equal("2026-04-28", thread.Str("dueDate"));
        Assert.DoesNotContain((await host.GraphAsync(staff, "{ inbox(overdue: false) { nodes { id } } }")).Data("inbox").Nodes(), t => t.Str("id") == id);
        var week = (await host.GraphAsync(staff, "{ weeklyCounts(weekOf: \"2026-04-29\") { becameOverdue } }")).Data("weeklyCounts");
        Assert.Equal(1, week.GetProperty("becameOverdue").GetInt32());
        var weekBefore = (await host.GraphAsync(staff, "{ weeklyCounts(weekOf: \"2026-04-22\") { becameOverdue } }")).Data("weeklyCounts");
        Assert.Equal(0, weekBefore.GetProperty("becameOverdue").GetInt32());

        await host.GraphAsync(staff, "mutation($input: AnswerInput!) { answerThread(input: $input) { id } }",
            new { input = new { threadId = id, text = "Excuses voor het late antwoord: u kunt de pijnstilling afbouwen." } });
        clock.Now = FirstMinuteAfter.AddDays(1);
        var resolved = await Sla(clock).RunAsync();
        Assert.True(resolved.Resolved >= 1);
        Assert.Empty(Marks(id));
        Assert.Equal(1, (await host.GraphAsync(staff, "{ weeklyCounts(weekOf: \"2026-04-29\") { becameOverdue } }")).Data("weeklyCounts").GetProperty("becameOverdue").GetInt32());
    }

    [Fact]
    public async Task PromisedFollowUp_IsOverdue_AfterThePromisedDate_NotAfterTwoWorkingDays()
    {
        var id = await TestData.QuestionAsync(host, Willem, Sent.AddDays(7), "Uitslag", "Practitioner/huisarts-bakker");
        var promised = DateTimeOffset.UtcNow.AddDays(30);
        var date = promised.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await host.GraphAsync(Staff("assistent-de-boer"), "mutation($input: AnswerInput!) { answerThread(input: $input) { id } }",
            new { input = new { threadId = id, text = $"Dokter Bakker is afwezig; u krijgt uiterlijk {date} antwoord.", onBehalfOf = "Practitioner/huisarts-bakker", expectedAnswerDate = date } });

        await Sla(new SetTime(promised.AddDays(-1))).RunAsync();
        Assert.Empty(Marks(id));

        await Sla(new SetTime(promised.AddDays(2))).RunAsync();
        Assert.Equal(date, Assert.Single(Marks(id)).Value.DueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SlaJob_IsScheduledOnTheJobsInstance_AndRunsTheWatch()
    {
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(new TriggerKey(nameof(EConsultSlaJob))));
        Assert.Equal(EConsultSlaJob.Interval, trigger.RepeatInterval);
        Assert.NotNull(await scheduler.GetJobDetail(new JobKey(nameof(EConsultSlaJob))));

        var id = await TestData.QuestionAsync(host, "patient-fatima-el-amrani", DateTimeOffset.UtcNow.AddDays(-14), "Lang geleden");
        await new EConsultSlaJob(host.Services.GetRequiredService<EConsultSla>()).Execute(null!, CancellationToken.None);
        Assert.Single(Marks(id));
    }

    [Fact]
    public async Task Inbox_SortsByDueDateByDefault_OrByReceipt()
    {
        var older = await TestData.QuestionAsync(host, "patient-pieter-van-den-berg", DateTimeOffset.UtcNow.AddDays(-3), "Eerder");
        var newer = await TestData.QuestionAsync(host, "patient-pieter-van-den-berg", DateTimeOffset.UtcNow.AddHours(-1), "Later", "PractitionerRole/groep-de-assistentes");
        async Task<List<string>> OrderAsync(string sort) =>
            (await host.GraphAsync(Staff("assistent-de-boer"), $"{{ inbox(first: 100, sort: {sort}) {{ nodes {{ id }} }} }}")).Data("inbox").Nodes()
                .Select(t => t.Str("id")).Where(id => id == older || id == newer).ToList();

        Assert.Equal([older, newer], await OrderAsync("DUE_DATE"));
        Assert.Equal([older, newer], await OrderAsync("RECEIVED_OLDEST_FIRST"));
        Assert.Equal([newer, older], await OrderAsync("RECEIVED_NEWEST_FIRST"));
    }
}
