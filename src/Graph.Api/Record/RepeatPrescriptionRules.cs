using Graph.Api.Calendar;
using NodaTime;

namespace Graph.Api.Record;

/// <summary>
/// When a repeat prescription ordered in the portal can be collected at the pharmacy (seed 004,
/// "Herhaalrecepten"): ordered before 12:00 (Europe/Amsterdam) on a working day, it is ready the next
/// working day. An order placed at or after 12:00, or on a weekend or Dutch public holiday, counts as
/// received on the next working day before 12:00, so it is ready the working day after that.
/// </summary>
public static class RepeatPrescriptionRules
{
    public static readonly LocalTime CutOff = new(12, 0);

    public static LocalDate ReadyDate(Instant orderedAt, DutchCalendar? calendar = null)
    {
        calendar ??= DutchCalendar.Instance;
        var local = DutchCalendar.ToLocal(orderedAt);
        var received = calendar.IsWorkingDay(local.Date) && local.TimeOfDay < CutOff
            ? local.Date
            : calendar.AddWorkingDays(local.Date, 1);
        return calendar.AddWorkingDays(received, 1);
    }
}
