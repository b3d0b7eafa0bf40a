using Graph.Api.Calendar;
using NodaTime;

namespace Graph.Api.Tests.Calendar;

public class DutchCalendarTests
{
    private readonly DutchCalendar _calendar = DutchCalendar.Instance;

    [Theory]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2025, 4, 20)]
    [InlineData(2024, 3, 31)]
    public void EasterSunday_MatchesPublishedDates(int year, int month, int day) =>
        Assert.Equal(new LocalDate(year, month, day), DutchCalendar.EasterSunday(year));

    [Theory]
    [InlineData(2026, 1, 1, "Nieuwjaarsdag")]
    [InlineData(2026, 4, 6, "Tweede Paasdag")]
    [InlineData(2026, 4, 27, "Koningsdag")]
    [InlineData(2025, 4, 26, "Koningsdag")] // 27 April 2025 is a Sunday
    [InlineData(2026, 5, 5, "Bevrijdingsdag")]
    [InlineData(2026, 5, 14, "Hemelvaartsdag")]
    [InlineData(2026, 5, 25, "Tweede Pinksterdag")]
    [InlineData(2026, 12, 26, "Tweede Kerstdag")]
    public void HolidayName_KnowsDutchPublicHolidays(int year, int month, int day, string name) =>
        Assert.Equal(name, _calendar.HolidayName(new LocalDate(year, month, day)));

    [Fact]
    public void IsWorkingDay_SkipsWeekendsAndHolidays()
    {
        Assert.True(_calendar.IsWorkingDay(new LocalDate(2026, 11, 23))); // Monday
        Assert.False(_calendar.IsWorkingDay(new LocalDate(2026, 11, 22))); // Sunday
        Assert.False(_calendar.IsWorkingDay(new LocalDate(2026, 12, 25)));
    }

    [Fact]
    public void AddWorkingDays_FromThursdayBeforeChristmas_SkipsHolidaysAndWeekend()
    {
        // Thursday 24 Dec 2026 + 2 working days: 25, 26 (holidays), 27 (Sunday) are skipped → Mon 28, Tue 29.
        Assert.Equal(new LocalDate(2026, 12, 29), _calendar.AddWorkingDays(new LocalDate(2026, 12, 24), 2));
    }

    [Fact]
    public void AddWorkingDays_FromFriday_LandsOnTuesday() =>
        Assert.Equal(new LocalDate(2026, 11, 24), _calendar.AddWorkingDays(new LocalDate(2026, 11, 20), 2));

    [Fact]
    public void ToInstant_OnAutumnDstChange_UsesOffsetOfThatDay()
    {
        // 25 Oct 2026: clocks go back at 03:00 CEST. 09:00 local is then CET (+01:00) = 08:00 UTC.
        var instant = DutchCalendar.ToInstant(new LocalDateTime(2026, 10, 25, 9, 0));
        Assert.Equal(Instant.FromUtc(2026, 10, 25, 8, 0), instant);
        var before = DutchCalendar.ToInstant(new LocalDateTime(2026, 10, 24, 9, 0));
        Assert.Equal(Instant.FromUtc(2026, 10, 24, 7, 0), before);
    }

    [Fact]
    public void ToInstant_InSpringGap_MovesForward()
    {
        // 29 Mar 2026 02:30 local does not exist; the lenient resolver moves it to 03:30 CEST = 01:30 UTC.
        Assert.Equal(Instant.FromUtc(2026, 3, 29, 1, 30), DutchCalendar.ToInstant(new LocalDateTime(2026, 3, 29, 2, 30)));
    }
}
