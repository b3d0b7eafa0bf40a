using Graph.Api.Tests.Infrastructure;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>The weekly e-consult figures (seed 000, step 5) over a week the test fills with known answer times.</summary>
public sealed class WeeklyCountsTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task WeeklyCounts_CountReceivedAnsweredAndHandled_WithTheMedianAnswerTime_InTheAmsterdamWeek()
    {
        // Week of Monday 2 March 2026 (CET, UTC+1): from 1 March 23:00 UTC to 8 March 23:00 UTC.
        var q1 = await TestData.QuestionAsync(host, "patient-pieter-van-den-berg", At(2, 8), "Een");
        await TestData.AnswerAsync(host, "patient-pieter-van-den-berg", q1, At(2, 8, 30));
        var q2 = await TestData.QuestionAsync(host, "patient-fatima-el-amrani", At(3, 9), "Twee");
        await TestData.AnswerAsync(host, "patient-fatima-el-amrani", q2, At(3, 10, 30));
        var q3 = await TestData.QuestionAsync(host, "patient-willem-bos", At(4, 12), "Drie");
        await TestData.AnswerAsync(host, "patient-willem-bos", q3, At(6, 12));
        await TestData.QuestionAsync(host, "patient-emma-de-jong", At(5, 7), "Bedankt", handledWithoutReply: true);
        var before = await TestData.QuestionAsync(host, "patient-willem-bos", At(1, 22, 59), "Vorige week");
        await TestData.AnswerAsync(host, "patient-willem-bos", before, At(2, 9));
        await TestData.QuestionAsync(host, "patient-fatima-el-amrani", At(8, 23, 0), "Volgende week");

        var counts = (await host.GraphAsync(Staff("assistent-de-boer"), "{ weeklyCounts(weekOf: \"2026-03-05\") { weekStart received answered handledWithoutReply medianAnswerMinutes } }"))
            .Data("weeklyCounts");

        Assert.Equal("2026-03-02", counts.Str("weekStart"));
        Assert.Equal(4, counts.GetProperty("received").GetInt32());
        Assert.Equal(1, counts.GetProperty("handledWithoutReply").GetInt32());
        // Answered in the week: 30 min, 90 min, 2 days (2880 min) and the question from the week before (601 min): median of four.
        Assert.Equal(4, counts.GetProperty("answered").GetInt32());
        Assert.Equal((90 + 601) / 2.0, counts.GetProperty("medianAnswerMinutes").GetInt32(), 0.5);
        Assert.Equal(MessagingErrorsCode, (await host.GraphAsync(Patient("patient-willem-bos"), "{ weeklyCounts { received } }")).Error().Code());
    }

    private const string MessagingErrorsCode = Graph.Api.Messaging.MessagingErrors.ForbiddenCode;
}
