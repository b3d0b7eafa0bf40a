using Graph.Api.Calendar;
using Graph.Api.Record;
using NodaTime;

namespace Graph.Api.Tests.Record;

/// <summary>Seed 004: ordered before 12:00 it is ready the next working day; weekends and Dutch holidays do not count.</summary>
public sealed class RepeatPrescriptionRulesTests
{
    private static LocalDate Ready(int year, int month, int day, int hour, int minute = 0) =>
        RepeatPrescriptionRules.ReadyDate(DutchCalendar.ToInstant(new LocalDateTime(year, month, day, hour, minute)));

    [Fact]
    public void OrderedBeforeNoonOnTuesday_IsReadyWednesday() =>
        Assert.Equal(new LocalDate(2026, 11, 25), Ready(2026, 11, 24, 11, 59));

    [Fact]
    public void OrderedAtNoonOnTuesday_IsReadyThursday() =>
        Assert.Equal(new LocalDate(2026, 11, 26), Ready(2026, 11, 24, 12, 0));

    [Fact]
    public void OrderedBeforeNoonOnFriday_IsReadyMonday() =>
        Assert.Equal(new LocalDate(2026, 11, 30), Ready(2026, 11, 27, 9, 0));

    [Fact]
    public void OrderedAfterNoonOnFriday_IsReadyTuesday() =>
        Assert.Equal(new LocalDate(2026, 12, 1), Ready(2026, 11, 27, 15, 0));

    [Fact]
    public void OrderedOnSaturdayMorning_CountsFromMonday_IsReadyTuesday() =>
        Assert.Equal(new LocalDate(2026, 12, 1), Ready(2026, 11, 28, 9, 0));

    [Fact]
    public void OrderedBeforeNoonOnFridayBeforeKoningsdag_SkipsTheWeekendAndKoningsdag()
    {
        // Koningsdag 2026 is Monday 27 April.
        Assert.Equal(new LocalDate(2026, 4, 28), Ready(2026, 4, 24, 10, 0));
    }

    [Fact]
    public void OrderedOnKoningsdag_CountsFromTheNextWorkingDay() =>
        Assert.Equal(new LocalDate(2026, 4, 29), Ready(2026, 4, 27, 9, 0));

    [Fact]
    public void OrderedOnChristmasEveMorning_SkipsBothChristmasDaysAndTheWeekend()
    {
        // Thursday 24 December 2026; 25 and 26 are holidays, 27 is a Sunday.
        Assert.Equal(new LocalDate(2026, 12, 28), Ready(2026, 12, 24, 10, 0));
    }

    [Fact]
    public void OrderedOnChristmasEveAfternoon_IsReadyTheWorkingDayAfterTheNext() =>
        Assert.Equal(new LocalDate(2026, 12, 29), Ready(2026, 12, 24, 14, 0));

    [Fact]
    public void NoonIsAmsterdamTime_NotUtc()
    {
        // 10:30 UTC is 11:30 in Amsterdam in winter (before noon) ...
        Assert.Equal(new LocalDate(2026, 11, 25), RepeatPrescriptionRules.ReadyDate(Instant.FromUtc(2026, 11, 24, 10, 30)));
        // ... and 12:30 in summer (after noon).
        Assert.Equal(new LocalDate(2026, 6, 18), RepeatPrescriptionRules.ReadyDate(Instant.FromUtc(2026, 6, 16, 10, 30)));
    }
}
