using NodaTime;
using NodaTime.TimeZones;

namespace Graph.Api.Calendar;

/// <summary>
/// Practice time: Europe/Amsterdam, and working days that skip weekends and Dutch public holidays
/// (Nieuwjaarsdag, Pasen, Koningsdag, Bevrijdingsdag, Hemelvaartsdag, Pinksteren, Kerstmis).
/// Bevrijdingsdag counts every year: GP practices close on it, as most do.
/// </summary>
public sealed class DutchCalendar
{
    public static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    public static DutchCalendar Instance { get; } = new();

    public bool IsPublicHoliday(LocalDate date) => HolidayName(date) is not null;

    public bool IsWorkingDay(LocalDate date) =>
        date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday) && !IsPublicHoliday(date);

    /// <summary>The Dutch name of the public holiday on <paramref name="date"/>, or null.</summary>
    public string? HolidayName(LocalDate date)
    {
        var year = date.Year;
        var easter = EasterSunday(year);
        if (date == new LocalDate(year, 1, 1)) return "Nieuwjaarsdag";
        if (date == easter) return "Eerste Paasdag";
        if (date == easter.PlusDays(1)) return "Tweede Paasdag";
        if (date == KingsDay(year)) return "Koningsdag";
        if (date == new LocalDate(year, 5, 5)) return "Bevrijdingsdag";
        if (date == easter.PlusDays(39)) return "Hemelvaartsdag";
        if (date == easter.PlusDays(49)) return "Eerste Pinksterdag";
        if (date == easter.PlusDays(50)) return "Tweede Pinksterdag";
        if (date == new LocalDate(year, 12, 25)) return "Eerste Kerstdag";
        if (date == new LocalDate(year, 12, 26)) return "Tweede Kerstdag";
        return null;
    }

    /// <summary>The date <paramref name="days"/> working days after <paramref name="start"/> (start itself not counted).</summary>
    public LocalDate AddWorkingDays(LocalDate start, int days)
    {
        var date = start;
        while (days > 0)
        {
            date = date.PlusDays(1);
            if (IsWorkingDay(date))
                days--;
        }
        return date;
    }

    public static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InZone(Amsterdam).Date;

    public static LocalDateTime ToLocal(Instant instant) => instant.InZone(Amsterdam).LocalDateTime;

    /// <summary>A local practice time as a UTC instant; in the autumn overlap the earlier one, in the spring gap the time after it.</summary>
    public static Instant ToInstant(LocalDateTime local) => Amsterdam.ResolveLocal(local, Resolvers.LenientResolver).ToInstant();

    /// <summary>27 April, or 26 April when the 27th is a Sunday.</summary>
    private static LocalDate KingsDay(int year)
    {
        var day = new LocalDate(year, 4, 27);
        return day.DayOfWeek == IsoDayOfWeek.Sunday ? day.PlusDays(-1) : day;
    }

    /// <summary>Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).</summary>
    public static LocalDate EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new LocalDate(year, month, day);
    }
}
