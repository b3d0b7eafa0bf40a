using Graph.Api.Appointments;
using Graph.Api.Appointments.Storage;
using Graph.Api.Calendar;
using NodaTime;

namespace Graph.Api.Tests.Appointments;

public sealed class BookingRulesTests
{
    private static readonly VisitType Consult10 = new("consult-10", "Consult 10 minuten", 10, PractitionerKind.Huisarts, null, null, true, 1);
    private static readonly VisitType Consult20 = new("consult-20", "Consult 20 minuten", 20, PractitionerKind.Huisarts, null, null, true, 2);
    private static readonly VisitType Ears = new("oren-uitspuiten", "Oren uitspuiten", 10, PractitionerKind.Assistent, "Druppelen", null, true, 3);

    // Tuesday 24 November 2026, 12:00 in Amsterdam.
    private static readonly Instant Now = At(new LocalDate(2026, 11, 24), 12, 0);

    private static Instant At(LocalDate date, int hour, int minute) => DutchCalendar.ToInstant(date.At(new LocalTime(hour, minute)));

    private static AgendaRules Agenda(IReadOnlyList<EmergencyRule>? emergency = null, params AgendaWindow[] extra) =>
        new("agenda-a", PractitionerKind.Huisarts, true,
            [new AgendaWindow("w1", null, WindowKind.Online, null, null, new LocalTime(8, 0), new LocalTime(17, 0), null), .. extra],
            emergency ?? []);

    /// <summary>Ten-minute slots on a date from..to (local), all free unless listed as taken.</summary>
    private static List<AgendaSlot> Day(LocalDate date, int fromHour, int toHour, params string[] taken)
    {
        var slots = new List<AgendaSlot>();
        for (var t = date.At(new LocalTime(fromHour, 0)); t < date.At(new LocalTime(toHour, 0)); t = t.PlusMinutes(10))
        {
            var id = $"s-{t:yyyyMMddHHmm}";
            slots.Add(new AgendaSlot(id, DutchCalendar.ToInstant(t), DutchCalendar.ToInstant(t.PlusMinutes(10)), !taken.Contains($"{t:HHmm}")));
        }
        return slots;
    }

    [Fact]
    public void Offers_StartTomorrow_WithDefaultMinimumOfOneDay()
    {
        var today = new LocalDate(2026, 11, 24);
        var slots = Day(today, 13, 14).Concat(Day(today.PlusDays(1), 9, 10)).ToList();
        var offers = BookingRules.Offers(Agenda(), Consult10, slots, Now, PracticeSettings.Default);
        Assert.All(offers, o => Assert.Equal(today.PlusDays(1), DutchCalendar.ToLocal(o.Start).Date));
        Assert.Equal(6, offers.Count);
    }

    [Fact]
    public void Offers_StopAtMaximumHorizon()
    {
        var today = new LocalDate(2026, 11, 24);
        var slots = Day(today.PlusDays(100), 9, 10).Concat(Day(today.PlusDays(101), 9, 10)).ToList();
        var offers = BookingRules.Offers(Agenda(), Consult10, slots, Now, PracticeSettings.Default);
        Assert.All(offers, o => Assert.Equal(today.PlusDays(100), DutchCalendar.ToLocal(o.Start).Date));
        Assert.Equal(6, offers.Count);
        var shorter = BookingRules.Offers(Agenda(), Consult10, slots, Now, new PracticeSettings(1, 30, 24));
        Assert.Empty(shorter);
    }

    [Fact]
    public void Offers_TwentyMinuteVisit_TakesTwoConsecutiveFreeSlots()
    {
        var day = new LocalDate(2026, 11, 25);
        var slots = Day(day, 9, 10, taken: "0920");
        var offers = BookingRules.Offers(Agenda(), Consult20, slots, Now, PracticeSettings.Default);
        Assert.Equal(["09:00", "09:30", "09:40"], offers.Select(o => DutchCalendar.ToLocal(o.Start).ToString("HH:mm", null)));
        Assert.All(offers, o => Assert.Equal(2, o.SlotIds.Count));
        Assert.All(offers, o => Assert.Equal(Duration.FromMinutes(20), o.End - o.Start));
    }

    [Fact]
    public void Offers_TwentyMinuteVisit_NeedsSlotsThatTouch()
    {
        var day = new LocalDate(2026, 11, 25);
        var slots = Day(day, 9, 10).Where(s => DutchCalendar.ToLocal(s.Start).Minute != 10).ToList();
        var offers = BookingRules.Offers(Agenda(), Consult20, slots, Now, PracticeSettings.Default);
        Assert.DoesNotContain(offers, o => DutchCalendar.ToLocal(o.Start).Minute == 0 && DutchCalendar.ToLocal(o.Start).Hour == 9);
    }

    [Fact]
    public void Offers_NeverShowHiddenHours()
    {
        var day = new LocalDate(2026, 11, 26);
        var hidden = new AgendaWindow("h", null, WindowKind.Hidden, IsoDayOfWeek.Thursday, null, new LocalTime(9, 0), new LocalTime(9, 30), "Patiëntbespreking");
        var offers = BookingRules.Offers(Agenda(null, hidden), Consult10, Day(day, 9, 10), Now, PracticeSettings.Default);
        Assert.Equal(["09:30", "09:40", "09:50"], offers.Select(o => DutchCalendar.ToLocal(o.Start).ToString("HH:mm", null)));
    }

    [Fact]
    public void Offers_OnlyInsideOnlineWindows_AndMarkOnlineOnly()
    {
        var day = new LocalDate(2026, 11, 25);
        var agenda = new AgendaRules("agenda-a", PractitionerKind.Huisarts, true,
        [
            new AgendaWindow("o", null, WindowKind.Online, IsoDayOfWeek.Wednesday, null, new LocalTime(9, 0), new LocalTime(9, 20), null),
            new AgendaWindow("oo", null, WindowKind.OnlineOnly, null, day, new LocalTime(9, 40), new LocalTime(10, 0), null),
        ], []);
        var offers = BookingRules.Offers(agenda, Consult10, Day(day, 9, 10), Now, PracticeSettings.Default);
        Assert.Equal(["09:00", "09:10", "09:40", "09:50"], offers.Select(o => DutchCalendar.ToLocal(o.Start).ToString("HH:mm", null)));
        Assert.Equal([false, false, true, true], offers.Select(o => o.OnlineOnly));
    }

    [Fact]
    public void Offers_KeepEmergencyPlacesFree_FivePerDay()
    {
        var day = new LocalDate(2026, 11, 25); // Wednesday: 5
        var slots = Day(day, 9, 10).Concat(Day(day, 11, 11)).ToList(); // 6 free slots
        var offers = BookingRules.Offers(Agenda(EmergencyRule.Defaults), Consult10, slots, Now, PracticeSettings.Default);
        Assert.Equal(6, offers.Count); // any one booking still leaves five free...
        var afterOne = slots.Select(s => s.Id == offers[0].SlotIds[0] ? s with { Free = false } : s).ToList();
        Assert.Empty(BookingRules.Offers(Agenda(EmergencyRule.Defaults), Consult10, afterOne, Now, PracticeSettings.Default)); // ...then 5 stay free
    }

    [Fact]
    public void Offers_KeepSevenEmergencyPlacesOnMonday_AndSevenOnFridayAfternoon()
    {
        var monday = new LocalDate(2026, 11, 30);
        var mondaySlots = Day(monday, 9, 10).Concat(Day(monday, 10, 10)).Take(6).Concat(Day(monday, 14, 15).Take(2)).ToList(); // 8 free
        var mondayOffers = BookingRules.Offers(Agenda(EmergencyRule.Defaults), Consult10, mondaySlots, Now, PracticeSettings.Default);
        Assert.Equal(8, mondayOffers.Count); // each single booking keeps 7 free
        var mondayTwo = BookingRules.Offers(Agenda(EmergencyRule.Defaults), Consult20, mondaySlots, Now, PracticeSettings.Default);
        Assert.Empty(mondayTwo); // two slots would leave 6

        var friday = new LocalDate(2026, 11, 27);
        var morning = Day(friday, 9, 11); // 12 free in the morning
        var afternoon = Day(friday, 14, 15).Concat(Day(friday, 15, 16).Take(1)).Concat(Day(friday, 16, 17).Take(1)).ToList(); // 8 free in the afternoon
        var fridayOffers = BookingRules.Offers(Agenda(EmergencyRule.Defaults), Consult10, morning.Concat(afternoon), Now, PracticeSettings.Default);
        Assert.Equal(12 + 8, fridayOffers.Count);
        var afternoonTaken = morning.Concat(afternoon.Select((s, i) => i == 0 ? s with { Free = false } : s)).ToList();
        var later = BookingRules.Offers(Agenda(EmergencyRule.Defaults), Consult10, afternoonTaken, Now, PracticeSettings.Default);
        Assert.All(later, o => Assert.True(DutchCalendar.ToLocal(o.Start).Hour < 12)); // 7 left in the afternoon: only the morning is offered
        Assert.Equal(12, later.Count);
    }

    [Fact]
    public void Offers_WrongKindOfVisit_OffersNothing()
    {
        var offers = BookingRules.Offers(Agenda(), Ears, Day(new LocalDate(2026, 11, 25), 9, 10), Now, PracticeSettings.Default);
        Assert.Empty(offers);
    }

    [Fact]
    public void CheckBooking_WithoutReason_IsRefused()
    {
        var slots = Day(new LocalDate(2026, 11, 25), 9, 10);
        var problem = BookingRules.CheckBooking(Agenda(), Consult10, slots, [slots[0].Id], "  ", Now, PracticeSettings.Default);
        Assert.Equal(BookingRules.ReasonRequired, problem?.Code);
    }

    [Fact]
    public void CheckBooking_TakenSlot_IsSlotTaken()
    {
        var slots = Day(new LocalDate(2026, 11, 25), 9, 10, taken: "0900");
        var problem = BookingRules.CheckBooking(Agenda(), Consult10, slots, [slots[0].Id], "Keelpijn", Now, PracticeSettings.Default);
        Assert.Equal(BookingRules.SlotTaken, problem?.Code);
    }

    [Fact]
    public void CheckBooking_TwentyMinutesWithOneSlot_IsNotBookable()
    {
        var slots = Day(new LocalDate(2026, 11, 25), 9, 10);
        Assert.Equal(BookingRules.NotBookable, BookingRules.CheckBooking(Agenda(), Consult20, slots, [slots[0].Id], "Twee klachten", Now, PracticeSettings.Default)?.Code);
        Assert.Null(BookingRules.CheckBooking(Agenda(), Consult20, slots, [slots[0].Id, slots[1].Id], "Twee klachten", Now, PracticeSettings.Default));
    }

    [Fact]
    public void CheckBooking_Today_IsOutsideHorizon()
    {
        var slots = Day(new LocalDate(2026, 11, 24), 15, 16);
        var problem = BookingRules.CheckBooking(Agenda(), Consult10, slots, [slots[0].Id], "Keelpijn", Now, PracticeSettings.Default);
        Assert.Equal(BookingRules.OutsideHorizon, problem?.Code);
        Assert.Contains("25 november 2026", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckChange_BeforeCutoff_IsAllowed_AfterIt_SaysCallThePractice()
    {
        var start = At(new LocalDate(2026, 11, 26), 9, 0);
        Assert.Null(BookingRules.CheckChange(start, start - Duration.FromHours(24), PracticeSettings.Default, "030-1234567"));
        var late = BookingRules.CheckChange(start, start - Duration.FromHours(24) + Duration.FromMinutes(1), PracticeSettings.Default, "030-1234567");
        Assert.Equal(BookingRules.PastCutoff, late?.Code);
        Assert.Contains("030-1234567", late!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckChange_CutoffCountsRealHours_AcrossTheAutumnClockChange()
    {
        // Sunday 25 October 2026 the clocks go back (03:00 CEST -> 02:00 CET): a day of 25 hours.
        var monday = At(new LocalDate(2026, 10, 26), 8, 0); // 07:00 UTC
        Assert.Equal(Instant.FromUtc(2026, 10, 26, 7, 0), monday);
        var sundayEightLocal = At(new LocalDate(2026, 10, 25), 8, 0); // 07:00 UTC, after the change
        Assert.Null(BookingRules.CheckChange(monday, sundayEightLocal, PracticeSettings.Default, "x"));
        Assert.NotNull(BookingRules.CheckChange(monday, sundayEightLocal + Duration.FromMinutes(1), PracticeSettings.Default, "x"));
    }

    [Fact]
    public void CheckChange_CutoffCountsRealHours_AcrossTheSpringClockChange()
    {
        // Sunday 29 March 2026 the clocks go forward (02:00 CET -> 03:00 CEST): a day of 23 hours.
        var monday = At(new LocalDate(2026, 3, 30), 8, 0); // 06:00 UTC
        Assert.Equal(Instant.FromUtc(2026, 3, 30, 6, 0), monday);
        Assert.Equal(Instant.FromUtc(2026, 3, 29, 6, 0), BookingRules.CutoffOf(monday, PracticeSettings.Default)); // Sunday 08:00 CEST
    }

    [Fact]
    public void Horizon_UsesAmsterdamDates_NotUtc()
    {
        // 23:30 local on Saturday 28 March 2026 is still the 28th in Amsterdam (22:30 UTC).
        var lateSaturday = At(new LocalDate(2026, 3, 28), 23, 30);
        Assert.Equal(new LocalDate(2026, 3, 29), BookingRules.FirstBookableDate(lateSaturday, PracticeSettings.Default));
        // 00:30 local on Sunday 25 October 2026 is the 24th in UTC, the 25th in Amsterdam.
        var earlySunday = At(new LocalDate(2026, 10, 25), 0, 30);
        Assert.Equal(new LocalDate(2026, 10, 26), BookingRules.FirstBookableDate(earlySunday, PracticeSettings.Default));
    }

    [Fact]
    public void Offers_OnTheSpringDstDay_FollowLocalWindows()
    {
        // An (unusual) Sunday consultation on 29 March 2026 from 01:00 to 04:00 local: 02:00-03:00 does not exist.
        var day = new LocalDate(2026, 3, 29);
        var agenda = new AgendaRules("agenda-a", PractitionerKind.Huisarts, true,
            [new AgendaWindow("w", null, WindowKind.Online, null, day, new LocalTime(1, 0), new LocalTime(4, 0), null)], []);
        var setting = new AgendaSetting("agenda-a", "org", PractitionerKind.Huisarts, "Practitioner/x", true, 30);
        var planned = SlotGenerator.Plan(setting, [new AgendaWindow("s", null, WindowKind.Spreekuur, null, day, new LocalTime(1, 0), new LocalTime(4, 0), null)], day, day).ToList();
        Assert.Equal(["0100", "0130", "0300", "0330"], planned.Select(p => p.Id[^4..]));
        Assert.All(planned, p => Assert.Equal(Duration.FromMinutes(30), p.End - p.Start));
        var slots = planned.Select(p => new AgendaSlot(p.Id, p.Start, p.End, true)).ToList();
        var saturday = At(new LocalDate(2026, 3, 27), 12, 0);
        var offers = BookingRules.Offers(agenda, Consult10 with { Minutes = 30 }, slots, saturday, PracticeSettings.Default);
        Assert.Equal(4, offers.Count);
        Assert.Equal(Instant.FromUtc(2026, 3, 29, 1, 0), offers[2].Start); // 03:00 CEST
    }

    [Fact]
    public void Plan_OnTheAutumnDstDay_MakesEachLocalTimeOnce()
    {
        var day = new LocalDate(2026, 10, 25);
        var setting = new AgendaSetting("agenda-a", "org", PractitionerKind.Huisarts, "Practitioner/x", true, 30);
        var planned = SlotGenerator.Plan(setting, [new AgendaWindow("s", null, WindowKind.Spreekuur, null, day, new LocalTime(1, 30), new LocalTime(3, 30), null)], day, day).ToList();
        Assert.Equal(["0130", "0200", "0230", "0300"], planned.Select(p => p.Id[^4..]));
        Assert.Equal(Instant.FromUtc(2026, 10, 25, 0, 0), planned[1].Start); // 02:00 CEST, the first 02:00
        Assert.All(planned, p => Assert.Equal(Duration.FromMinutes(30), p.End - p.Start));
        Assert.Equal(Instant.FromUtc(2026, 10, 25, 2, 0), planned[3].Start); // 03:00 CET: the repeated hour stays empty
    }

    [Fact]
    public void Plan_SkipsWeekendsHolidaysAndHiddenHours()
    {
        var setting = new AgendaSetting("agenda-a", "org", PractitionerKind.Huisarts, "Practitioner/x", true, 10);
        var windows = new[]
        {
            new AgendaWindow("s", null, WindowKind.Spreekuur, null, null, new LocalTime(8, 0), new LocalTime(9, 0), null),
            new AgendaWindow("h", null, WindowKind.Hidden, IsoDayOfWeek.Thursday, null, new LocalTime(8, 0), new LocalTime(8, 30), null),
        };
        // Thu 24 Dec 2026 .. Mon 28 Dec 2026: Christmas (25, 26) and the weekend have none.
        var planned = SlotGenerator.Plan(setting, windows, new LocalDate(2026, 12, 24), new LocalDate(2026, 12, 28)).ToList();
        Assert.Equal(3 + 6, planned.Count);
        Assert.Equal("slot-x-20261224-0830", planned[0].Id);
    }
}
