using Graph.Api.Calendar;
using NodaTime;

namespace Graph.Api.Appointments;

/// <summary>Kind of care provider a patient chooses first (seed 003): doktersafspraak, assistent, praktijkondersteuner.</summary>
public enum PractitionerKind { Huisarts, Assistent, Poh }

/// <summary>What a practice offers to book (seed 002): "consult 10 min 1 klacht", "oren uitspuiten"...</summary>
public sealed record VisitType(string Code, string Name, int Minutes, PractitionerKind Kind, string? Preparation, string? FollowUp, bool Online, int Order);

/// <summary>Booking horizon and cancellation cut-off of a practice (seed 002: guideline minimum 1 and maximum 100 days).</summary>
public sealed record PracticeSettings(int MinDays, int MaxDays, int CutoffHours)
{
    public static readonly PracticeSettings Default = new(1, 100, 24);
}

public enum WindowKind { Spreekuur, Online, OnlineOnly, Hidden }

/// <summary>
/// A time window in practice time, weekly (<see cref="Day"/>) or on one date (<see cref="Date"/>);
/// <see cref="ScheduleId"/> null means every agenda of the practice.
/// </summary>
public sealed record AgendaWindow(string Id, string? ScheduleId, WindowKind Kind, IsoDayOfWeek? Day, LocalDate? Date, LocalTime From, LocalTime To, string? Label)
{
    public bool AppliesTo(string scheduleId, LocalDate date) =>
        (ScheduleId is null || ScheduleId == scheduleId) && (Date is { } d ? d == date : Day is null || Day == date.DayOfWeek);

    /// <summary>The slot lies wholly inside the window.</summary>
    public bool Contains(LocalDateTime start, LocalDateTime end) => start >= start.Date.At(From) && end <= EndOn(start.Date, To);

    public bool Overlaps(LocalDateTime start, LocalDateTime end) => start < EndOn(start.Date, To) && end > start.Date.At(From);

    /// <summary>A window's end on a date; an end of 00:00 means midnight at the end of the day (24:00).</summary>
    public static LocalDateTime EndOn(LocalDate date, LocalTime to) => to == LocalTime.Midnight ? date.PlusDays(1).AtMidnight() : date.At(to);
}

/// <summary>Places kept free for emergencies per agenda of <see cref="Kind"/> on <see cref="Day"/> between From and To (seed 002).</summary>
public sealed record EmergencyRule(PractitionerKind Kind, IsoDayOfWeek Day, LocalTime From, LocalTime To, int Places)
{
    /// <summary>
    /// Seed 002: "Reserveer iedere dag ongeveer 5 plekken per arts voor spoedgevallen. Op maandag en
    /// vrijdagmiddag ongeveer 7." Five a day; seven on Monday; on Friday seven, kept in the afternoon,
    /// when the weekend makes urgent questions pile up.
    /// </summary>
    public static IReadOnlyList<EmergencyRule> Defaults { get; } =
    [
        new(PractitionerKind.Huisarts, IsoDayOfWeek.Monday, LocalTime.Midnight, LocalTime.Midnight, 7),
        new(PractitionerKind.Huisarts, IsoDayOfWeek.Tuesday, LocalTime.Midnight, LocalTime.Midnight, 5),
        new(PractitionerKind.Huisarts, IsoDayOfWeek.Wednesday, LocalTime.Midnight, LocalTime.Midnight, 5),
        new(PractitionerKind.Huisarts, IsoDayOfWeek.Thursday, LocalTime.Midnight, LocalTime.Midnight, 5),
        new(PractitionerKind.Huisarts, IsoDayOfWeek.Friday, LocalTime.Midnight, LocalTime.Midnight, 5),
        new(PractitionerKind.Huisarts, IsoDayOfWeek.Friday, new LocalTime(12, 0), LocalTime.Midnight, 7),
    ];

    /// <summary>The slot starts inside the window (To 00:00 means the end of the day).</summary>
    public bool Contains(LocalDateTime start) => start >= start.Date.At(From) && start < AgendaWindow.EndOn(start.Date, To);
}

/// <summary>A slot of an agenda as the rules see it: free means status free and not claimed by an appointment.</summary>
public sealed record AgendaSlot(string Id, Instant Start, Instant End, bool Free);

/// <summary>One agenda with the settings that apply to it.</summary>
public sealed record AgendaRules(
    string ScheduleId,
    PractitionerKind Kind,
    bool Online,
    IReadOnlyList<AgendaWindow> Windows,
    IReadOnlyList<EmergencyRule> Emergency);

/// <summary>A time a patient can book: the consecutive slots it takes.</summary>
public sealed record Offer(Instant Start, Instant End, IReadOnlyList<string> SlotIds, bool OnlineOnly);

/// <summary>Why a booking or change is refused; <see cref="Code"/> is the GraphQL extensions.code.</summary>
public sealed record BookingProblem(string Code, string Message);

/// <summary>
/// The booking rules of seed 002, pure and in practice time (Europe/Amsterdam): which times an agenda
/// offers online for a visit type, and whether a booking, change or cancellation is allowed. Every
/// door (portal GraphQL, FHIR Appointment writes by patient apps) is checked by these functions, in the
/// write transaction, through <see cref="AppointmentIndexer"/>.
/// </summary>
public static class BookingRules
{
    public const string SlotTaken = "SLOT_TAKEN";
    public const string NotBookable = "NOT_BOOKABLE";
    public const string OutsideHorizon = "OUTSIDE_HORIZON";
    public const string ReasonRequired = "REASON_REQUIRED";
    public const string WrongVisitType = "WRONG_VISIT_TYPE";
    public const string PastCutoff = "PAST_CUTOFF";

    public const int MaxReasonLength = 500;

    public static LocalDate Today(Instant now) => now.InZone(DutchCalendar.Amsterdam).Date;

    /// <summary>The first day that can be booked: <see cref="PracticeSettings.MinDays"/> days after today.</summary>
    public static LocalDate FirstBookableDate(Instant now, PracticeSettings settings) => Today(now).PlusDays(settings.MinDays);

    /// <summary>The last day that can be booked: <see cref="PracticeSettings.MaxDays"/> days after today.</summary>
    public static LocalDate LastBookableDate(Instant now, PracticeSettings settings) => Today(now).PlusDays(settings.MaxDays);

    public static bool WithinHorizon(LocalDate date, Instant now, PracticeSettings settings) =>
        date >= FirstBookableDate(now, settings) && date <= LastBookableDate(now, settings);

    /// <summary>
    /// The times <paramref name="agenda"/> offers online for <paramref name="visit"/>, from the agenda's
    /// slots (any order, any days). A visit longer than a slot takes consecutive free slots. Slots in
    /// hidden windows are never offered; emergency places stay free; only days within the horizon.
    /// </summary>
    public static IReadOnlyList<Offer> Offers(AgendaRules agenda, VisitType visit, IEnumerable<AgendaSlot> slots, Instant now, PracticeSettings settings)
    {
        var offers = new List<Offer>();
        if (!agenda.Online || !visit.Online || visit.Kind != agenda.Kind)
            return offers;
        var first = FirstBookableDate(now, settings);
        var last = LastBookableDate(now, settings);
        foreach (var day in slots.Select(s => (Slot: s, Local: Local(s)))
                     .Where(x => x.Local.Start.Date >= first && x.Local.Start.Date <= last)
                     .GroupBy(x => x.Local.Start.Date).OrderBy(g => g.Key))
        {
            var ordered = day.OrderBy(x => x.Slot.Start).ToList();
            offers.AddRange(OffersOfDay(agenda, visit, day.Key, ordered.Select(x => x.Slot).ToList(), ordered.Select(x => x.Local).ToArray(), now));
        }
        return offers;
    }

    /// <summary>Whether a patient may book <paramref name="slotIds"/> (in time order) for <paramref name="visit"/>: null when allowed.</summary>
    public static BookingProblem? CheckBooking(AgendaRules agenda, VisitType? visit, IReadOnlyList<AgendaSlot> dayOrMoreSlots,
        IReadOnlyList<string> slotIds, string? reason, Instant now, PracticeSettings settings)
    {
        if (string.IsNullOrWhiteSpace(reason))
            return new(ReasonRequired, "Vul de reden van uw bezoek in.");
        if (reason.Trim().Length > MaxReasonLength)
            return new(ReasonRequired, $"De reden mag maximaal {MaxReasonLength} tekens bevatten.");
        if (visit is null || !visit.Online)
            return new(WrongVisitType, "Dit soort afspraak kunt u niet online maken.");
        if (visit.Kind != agenda.Kind)
            return new(WrongVisitType, "Dit soort afspraak kunt u bij deze zorgverlener niet maken.");
        if (!agenda.Online)
            return new(NotBookable, "De agenda van deze zorgverlener is niet online te boeken.");
        var chosen = slotIds.Select(id => dayOrMoreSlots.FirstOrDefault(s => s.Id == id)).ToList();
        if (chosen.Count == 0 || chosen.Any(s => s is null))
            return new(NotBookable, "Dit tijdstip bestaat niet (meer) in de agenda. Kies een ander tijdstip.");
        var start = chosen[0]!.Start;
        var date = Local(chosen[0]!).Start.Date;
        if (!WithinHorizon(date, now, settings))
            return new(OutsideHorizon,
                $"U kunt online een afspraak maken van {Format(FirstBookableDate(now, settings))} tot en met {Format(LastBookableDate(now, settings))}.");
        if (chosen.Any(s => !s!.Free))
            return new(SlotTaken, "Dit tijdstip is net door iemand anders geboekt. Kies een ander tijdstip.");
        var sameDay = dayOrMoreSlots.Where(s => Local(s).Start.Date == date).OrderBy(s => s.Start).ToList();
        var offer = OffersOfDay(agenda, visit, date, sameDay, sameDay.Select(Local).ToArray(), now).FirstOrDefault(o => o.Start == start);
        if (offer is null || !offer.SlotIds.SequenceEqual(slotIds))
            return new(NotBookable, "Dit tijdstip is niet (meer) online te boeken. Kies een ander tijdstip.");
        return null;
    }

    /// <summary>A patient may cancel or change an appointment online until the cut-off before its start; null when allowed.</summary>
    public static BookingProblem? CheckChange(Instant start, Instant now, PracticeSettings settings, string practicePhone)
    {
        if (now > start - Duration.FromHours(settings.CutoffHours))
            return new(PastCutoff, settings.CutoffHours > 0
                ? $"U kunt deze afspraak niet meer online wijzigen of annuleren: dat kan tot {settings.CutoffHours} uur van tevoren. Bel de praktijk: {practicePhone}."
                : $"Deze afspraak is al begonnen of voorbij. Bel de praktijk: {practicePhone}.");
        return null;
    }

    /// <summary>The latest moment a patient may still cancel or change online.</summary>
    public static Instant CutoffOf(Instant start, PracticeSettings settings) => start - Duration.FromHours(settings.CutoffHours);

    public static (LocalDateTime Start, LocalDateTime End) Local(AgendaSlot slot) =>
        (DutchCalendar.ToLocal(slot.Start), DutchCalendar.ToLocal(slot.End));

    private static IEnumerable<Offer> OffersOfDay(AgendaRules agenda, VisitType visit, LocalDate date, IReadOnlyList<AgendaSlot> slots,
        (LocalDateTime Start, LocalDateTime End)[] local, Instant now)
    {
        // Minutes since the day's midnight (an end on the next day counts past 1440): plain integer checks per slot.
        var windows = agenda.Windows.Where(w => w.AppliesTo(agenda.ScheduleId, date))
            .Select(w => (w.Kind, From: Minutes(w.From), To: w.To == LocalTime.Midnight ? 1440 : Minutes(w.To))).ToArray();
        var startMin = new int[slots.Count];
        var endMin = new int[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            startMin[i] = Minutes(local[i].Start.TimeOfDay);
            endMin[i] = (local[i].End.Date > date ? 1440 : 0) + Minutes(local[i].End.TimeOfDay);
        }
        var hidden = new bool[slots.Count];
        var onlineOnly = new bool[slots.Count];
        var online = new bool[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            foreach (var (kind, from, to) in windows)
            {
                var contains = startMin[i] >= from && endMin[i] <= to;
                if (kind == WindowKind.Hidden && startMin[i] < to && endMin[i] > from) hidden[i] = true;
                else if (kind == WindowKind.OnlineOnly && contains) onlineOnly[i] = true;
                else if (kind == WindowKind.Online && contains) online[i] = true;
            }
            online[i] |= onlineOnly[i];
        }

        // Emergency places count free slots a practice can give on the phone: not hidden, not online-only.
        var rules = agenda.Emergency.Where(r => r.Kind == agenda.Kind && r.Day == date.DayOfWeek && r.Places > 0).ToList();
        var phoneFree = new bool[slots.Count];
        for (var i = 0; i < slots.Count; i++)
            phoneFree[i] = slots[i].Free && !hidden[i] && !onlineOnly[i];
        var inRule = new bool[rules.Count][];
        var freeIn = new int[rules.Count];
        for (var r = 0; r < rules.Count; r++)
        {
            var (from, to) = (Minutes(rules[r].From), rules[r].To == LocalTime.Midnight ? 1440 : Minutes(rules[r].To));
            inRule[r] = new bool[slots.Count];
            for (var i = 0; i < slots.Count; i++)
            {
                inRule[r][i] = startMin[i] >= from && startMin[i] < to;
                if (inRule[r][i] && phoneFree[i]) freeIn[r]++;
            }
        }

        var needed = Duration.FromMinutes(visit.Minutes);
        for (var i = 0; i < slots.Count; i++)
        {
            if (!slots[i].Free || !online[i] || hidden[i] || slots[i].Start <= now)
                continue;
            var end = slots[i].Start;
            var last = i - 1;
            for (var j = i; j < slots.Count && end - slots[i].Start < needed; j++)
            {
                if (slots[j].Start != end || !slots[j].Free || hidden[j] || !online[j])
                    break;
                end = slots[j].End;
                last = j;
            }
            if (end - slots[i].Start < needed)
                continue;
            var keepsEmergency = true;
            for (var r = 0; r < rules.Count && keepsEmergency; r++)
            {
                var taken = 0;
                for (var j = i; j <= last; j++)
                {
                    if (phoneFree[j] && inRule[r][j])
                        taken++;
                }
                keepsEmergency = taken == 0 || freeIn[r] - taken >= rules[r].Places;
            }
            if (!keepsEmergency)
                continue;
            var ids = new List<string>(last - i + 1);
            var anyOnlineOnly = false;
            for (var j = i; j <= last; j++)
            {
                ids.Add(slots[j].Id);
                anyOnlineOnly |= onlineOnly[j];
            }
            yield return new Offer(slots[i].Start, end, ids, anyOnlineOnly);
        }
    }

    private static int Minutes(LocalTime time) => (int)(time.TickOfDay / NodaConstants.TicksPerMinute);

    private static string Format(LocalDate date) => date.ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"));
}
