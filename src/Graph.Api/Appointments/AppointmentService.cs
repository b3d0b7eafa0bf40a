using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Graph.Api.Appointments.Storage;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Engine.Execution;
using Identity.Accounts;
using NodaTime;

namespace Graph.Api.Appointments;

public sealed record Agenda(AgendaSetting Setting, string Display, bool Preselected);

public sealed record AvailableDay(LocalDate Date, IReadOnlyList<Offer> Times);

public sealed record Availability(LocalDate FirstBookableDate, LocalDate LastBookableDate, LocalDate From, LocalDate To, IReadOnlyList<AvailableDay> Days);

/// <summary>An appointment as a caller sees it, with what the rules say they may do with it.</summary>
public sealed record AppointmentView(AppointmentResource Resource, AppointmentRow Row, long Version, VisitType? VisitType, PractitionerKind? Kind,
    PracticeSettings Settings, string PracticePhone, Instant Now, bool ForStaff)
{
    public string Id => Row.Id;
    public bool Future => Resource.Start is { } s && s > Now;
    public bool CanChange => !ForStaff && Row.Active && Future && BookingRules.CheckChange(Resource.Start!.Value, Now, Settings, PracticePhone) is null;
    public string? ChangeBlockedMessage => !ForStaff && Row.Active && Future && Resource.Start is { } s
        ? BookingRules.CheckChange(s, Now, Settings, PracticePhone)?.Message : null;
}

public sealed record AgendaDay(Agenda Agenda, LocalDate Date, IReadOnlyList<AgendaEntry> Entries);

/// <summary>A slot in the staff agenda, with the appointment that holds it if any.</summary>
public sealed record AgendaEntry(AppointmentDb.SlotRow Slot, bool OnlineOnly, bool Hidden, bool Online, string? HiddenLabel);

public sealed record WebCount(Agenda Agenda, int Booked, int Cancelled);

public sealed record SettingsView(PracticeRules Rules, IReadOnlyList<Agenda> Agendas);

/// <summary>
/// Online appointments for the portal: availability by the practice's rules, booking, moving and
/// cancelling (patients, for themselves or a child the WGBO rules allow), the staff agenda, the list of
/// new web appointments, settings and monthly counts. Every write goes through the resource service, so
/// <see cref="AppointmentIndexer"/> checks it inside the write transaction; every patient's record is
/// reached through <see cref="IFhirAccessPolicy"/>.
/// </summary>
public sealed class AppointmentService(ResourceService resources, IFhirAccessPolicy policy, AppointmentDb db, TimeProvider time)
{
    private const string Appointment = "Appointment";

    public Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());

    // ---- patients: choosing -------------------------------------------------------------------

    /// <summary>The patient the caller acts for: themselves, or a child the policy lets them reach.</summary>
    public async Task<(string PatientId, JsonElement Patient)> PatientAsync(PortalCaller caller, string? patientId, CancellationToken ct)
    {
        var self = caller.RequirePatient();
        var id = string.IsNullOrEmpty(patientId) ? self : patientId.StartsWith("Patient/", StringComparison.Ordinal) ? patientId["Patient/".Length..] : patientId;
        StoredRead patient;
        try
        {
            var stored = await resources.ReadAsync("Patient", id, ct);
            using var doc = JsonDocument.Parse(stored.Json!);
            patient = new StoredRead(doc.RootElement.Clone());
            await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Read, "Patient", id, patient.Root), ct);
        }
        catch (FhirException e)
        {
            throw AppointmentErrors.Translate(e);
        }
        return (id, patient.Root);
    }

    private sealed record StoredRead(JsonElement Root);

    public async Task<PracticeRules> PracticeOfAsync(PortalCaller caller, string? patientId, CancellationToken ct)
    {
        if (caller.IsStaff)
            return db.Rules(caller.OrganizationId ?? throw AppointmentErrors.Forbidden());
        var (_, patient) = await PatientAsync(caller, patientId, ct);
        return PracticeOf(patient);
    }

    /// <summary>The rules of the practice that manages this patient.</summary>
    public PracticeRules PracticeOf(JsonElement patient)
    {
        var org = Ref(patient, "managingOrganization") is { } o && o.StartsWith("Organization/", StringComparison.Ordinal) ? o["Organization/".Length..] : null;
        return org is null ? throw AppointmentErrors.Invalid("U bent niet ingeschreven bij een praktijk die online afspraken aanbiedt.") : db.Rules(org);
    }

    /// <summary>Kinds of care provider with at least one agenda open online.</summary>
    public async Task<IReadOnlyList<PractitionerKind>> KindsAsync(PortalCaller caller, string? patientId, CancellationToken ct)
    {
        var rules = await PracticeOfAsync(caller, patientId, ct);
        return rules.Agendas.Where(a => a.Online).Select(a => a.Kind)
            .Where(k => rules.VisitTypes.Any(v => v.Online && v.Kind == k)).Distinct().Order().ToList();
    }

    /// <summary>The online agendas of a kind, the patient's own GP preselected.</summary>
    public async Task<IReadOnlyList<Agenda>> AgendasAsync(PortalCaller caller, string? patientId, PractitionerKind kind, CancellationToken ct)
    {
        PracticeRules rules;
        string? gp = null;
        if (caller.IsPatient)
        {
            var (_, patient) = await PatientAsync(caller, patientId, ct);
            rules = PracticeOf(patient);
            gp = patient.TryGetProperty("generalPractitioner", out var gps) && gps.ValueKind == JsonValueKind.Array && gps.GetArrayLength() > 0
                ? AppointmentResource.Str(gps[0], "reference") : null;
        }
        else
        {
            rules = await PracticeOfAsync(caller, patientId, ct);
        }
        var agendas = rules.Agendas.Where(a => a.Kind == kind && (a.Online || caller.IsStaff)).ToList();
        return await NamedAsync(agendas, gp, ct);
    }

    public async Task<IReadOnlyList<VisitType>> VisitTypesAsync(PortalCaller caller, string? patientId, PractitionerKind? kind, CancellationToken ct)
    {
        var rules = await PracticeOfAsync(caller, patientId, ct);
        return rules.VisitTypes.Where(v => (caller.IsStaff || v.Online) && (kind is null || v.Kind == kind)).ToList();
    }

    /// <summary>Bookable times per day between <paramref name="from"/> and <paramref name="to"/> (inclusive), limited to the horizon.</summary>
    public async Task<Availability> AvailabilityAsync(PortalCaller caller, string? patientId, string scheduleId, string visitTypeCode, LocalDate? from, LocalDate? to,
        CancellationToken ct)
    {
        var rules = await PracticeOfAsync(caller, patientId, ct);
        var agenda = rules.Agendas.FirstOrDefault(a => a.ScheduleId == scheduleId && a.Online)
            ?? throw AppointmentErrors.Invalid("Deze zorgverlener heeft geen online agenda.", "scheduleId");
        var visit = rules.VisitType(visitTypeCode) is { Online: true } v ? v : throw AppointmentErrors.Invalid("Kies een soort afspraak uit de lijst.", "visitType");
        if (visit.Kind != agenda.Kind)
            throw AppointmentErrors.Invalid("Dit soort afspraak kunt u bij deze zorgverlener niet maken.", "visitType");
        var now = Now();
        var first = BookingRules.FirstBookableDate(now, rules.Settings);
        var last = BookingRules.LastBookableDate(now, rules.Settings);
        var start = from is { } f && f > first ? f : first;
        var end = to is { } t && t < last ? t : last;
        if (end < start)
            return new Availability(first, last, start, end, []);
        var slots = db.Slots([scheduleId], DutchCalendar.ToInstant(start.AtMidnight()), DutchCalendar.ToInstant(end.PlusDays(1).AtMidnight()));
        var offers = BookingRules.Offers(rules.For(agenda), visit, slots, now, rules.Settings);
        var days = offers.GroupBy(o => DutchCalendar.ToLocal(o.Start).Date).Select(g => new AvailableDay(g.Key, g.ToList())).ToList();
        return new Availability(first, last, start, end, days);
    }

    // ---- patients: booking, moving, cancelling -------------------------------------------------

    public async Task<AppointmentView> BookAsync(PortalCaller caller, string? patientId, string scheduleId, string visitTypeCode, Instant start, string? reason,
        CancellationToken ct)
    {
        var (patient, patientJson) = await PatientAsync(caller, patientId, ct);
        var rules = PracticeOf(patientJson);
        if (string.IsNullOrWhiteSpace(reason))
            throw AppointmentErrors.Rule(BookingRules.ReasonRequired, "Vul de reden van uw bezoek in.", "reason");
        var (agenda, visit, offer) = await FindOfferAsync(caller, patient, rules, scheduleId, visitTypeCode, start, ct);
        var json = new JsonObject
        {
            ["resourceType"] = Appointment,
            ["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = KnownAppointments.SourceSystem, ["code"] = KnownAppointments.WebTag, ["display"] = "Webafspraak" }) },
            ["status"] = "booked",
            ["appointmentType"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = KnownAppointments.AppointmentTypeSystem, ["code"] = "ROUTINE", ["display"] = "Routine appointment" }) },
            ["serviceType"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = KnownAppointments.VisitTypeSystem, ["code"] = visit.Code, ["display"] = visit.Name }),
                ["text"] = visit.Name,
            }),
            ["reasonCode"] = new JsonArray(new JsonObject { ["text"] = reason.Trim() }),
            ["description"] = visit.Name,
            ["start"] = Fhir(offer.Start),
            ["end"] = Fhir(offer.End),
            ["minutesDuration"] = visit.Minutes,
            ["slot"] = new JsonArray(offer.SlotIds.Select(s => (JsonNode)new JsonObject { ["reference"] = $"Slot/{s}" }).ToArray()),
            ["created"] = Fhir(Now()),
            ["participant"] = new JsonArray(
                new JsonObject { ["actor"] = new JsonObject { ["reference"] = $"Patient/{patient}" }, ["required"] = "required", ["status"] = "accepted" },
                new JsonObject { ["actor"] = new JsonObject { ["reference"] = agenda.ActorRef }, ["required"] = "required", ["status"] = "accepted" }),
        };
        if (visit.Preparation is not null)
            json["patientInstruction"] = visit.Preparation;
        var stored = await WriteAsync(caller, FhirInteraction.Create, null, null, json, ct);
        return await ViewAsync(caller, stored.Id, ct);
    }

    public async Task<AppointmentView> RescheduleAsync(PortalCaller caller, string appointmentId, Instant start, string? scheduleId, CancellationToken ct)
    {
        var current = await OwnAsync(caller, appointmentId, ct);
        if (!current.Row.Active)
            throw AppointmentErrors.Invalid("Deze afspraak is geannuleerd.");
        if (BookingRules.CheckChange(current.Resource.Start ?? Now(), Now(), current.Settings, current.PracticePhone) is { } late)
            throw AppointmentErrors.Rule(late.Code, late.Message);
        var rules = await PracticeOfAsync(caller, current.Row.PatientId, ct);
        var (agenda, _, offer) = await FindOfferAsync(caller, current.Row.PatientId!, rules, scheduleId ?? current.Row.ScheduleId ?? "", current.Row.VisitType ?? "", start, ct,
            ownSlots: appointmentId);
        var json = await CurrentJsonAsync(appointmentId, ct);
        json["start"] = Fhir(offer.Start);
        json["end"] = Fhir(offer.End);
        json["slot"] = new JsonArray(offer.SlotIds.Select(s => (JsonNode)new JsonObject { ["reference"] = $"Slot/{s}" }).ToArray());
        ReplaceActor(json, agenda.ActorRef);
        await WriteAsync(caller, FhirInteraction.Update, appointmentId, current, json, ct);
        return await ViewAsync(caller, appointmentId, ct);
    }

    public async Task<AppointmentView> CancelAsync(PortalCaller caller, string appointmentId, CancellationToken ct)
    {
        var current = await OwnAsync(caller, appointmentId, ct);
        if (!current.Row.Active)
            return current;
        if (current.Resource.Start is { } s && BookingRules.CheckChange(s, Now(), current.Settings, current.PracticePhone) is { } late)
            throw AppointmentErrors.Rule(late.Code, late.Message);
        var json = await CurrentJsonAsync(appointmentId, ct);
        json["status"] = "cancelled";
        json["cancelationReason"] = new JsonObject { ["text"] = "Geannuleerd door de patiënt via het portaal" };
        await WriteAsync(caller, FhirInteraction.Update, appointmentId, current, json, ct);
        return await ViewAsync(caller, appointmentId, ct);
    }

    /// <summary>The caller's appointments (or a child's), upcoming first in time order, or past newest first.</summary>
    public async Task<IReadOnlyList<AppointmentView>> MineAsync(PortalCaller caller, string? patientId, bool future, CancellationToken ct)
    {
        var (patient, _) = await PatientAsync(caller, patientId, ct);
        var now = Now();
        var rows = db.AppointmentsOfPatients([patient]).Where(r => r.Start is { } s && (future ? s > now : s <= now)).ToList();
        var views = new List<AppointmentView>();
        foreach (var row in future ? rows.OrderBy(r => r.Start) : rows.OrderByDescending(r => r.Start))
            views.Add(await ViewAsync(caller, row.Id, ct));
        return views;
    }

    public (bool Enabled, int Hours) Reminder(PortalCaller caller) => db.Reminder(caller.RequirePatient());

    public (bool Enabled, int Hours) SetReminder(PortalCaller caller, bool enabled, int hours)
    {
        if (hours is < 1 or > 168)
            throw AppointmentErrors.Invalid("Kies een aantal uren tussen 1 en 168 (een week).", "hours");
        db.SaveReminder(caller.RequirePatient(), enabled, hours);
        return (enabled, hours);
    }

    // ---- staff -----------------------------------------------------------------------------------

    /// <summary>The agendas' slots and appointments for <paramref name="days"/> days from <paramref name="from"/>.</summary>
    public async Task<IReadOnlyList<AgendaDay>> StaffAgendaAsync(PortalCaller caller, string? scheduleId, LocalDate from, int days, CancellationToken ct)
    {
        RequireCare(caller);
        var rules = db.Rules(caller.OrganizationId!);
        var agendas = rules.Agendas.Where(a => scheduleId is null || a.ScheduleId == scheduleId).ToList();
        if (scheduleId is not null && agendas.Count == 0)
            throw AppointmentErrors.NotFound("Deze agenda bestaat niet in uw praktijk.");
        var named = await NamedAsync(agendas, null, ct);
        var slots = db.SlotRows(agendas.Select(a => a.ScheduleId).ToList(), DutchCalendar.ToInstant(from.AtMidnight()), DutchCalendar.ToInstant(from.PlusDays(days).AtMidnight()));
        var result = new List<AgendaDay>();
        foreach (var agenda in named)
        {
            var windows = rules.For(agenda.Setting).Windows;
            for (var d = 0; d < days; d++)
            {
                var date = from.PlusDays(d);
                var applying = windows.Where(w => w.AppliesTo(agenda.Setting.ScheduleId, date)).ToList();
                var entries = slots.Where(s => s.ScheduleId == agenda.Setting.ScheduleId && DutchCalendar.ToLocal(s.Start).Date == date).Select(s =>
                {
                    var (start, end) = (DutchCalendar.ToLocal(s.Start), DutchCalendar.ToLocal(s.End));
                    var hidden = applying.FirstOrDefault(w => w.Kind == WindowKind.Hidden && w.Overlaps(start, end));
                    return new AgendaEntry(s, applying.Any(w => w.Kind == WindowKind.OnlineOnly && w.Contains(start, end)), hidden is not null,
                        agenda.Setting.Online && applying.Any(w => w.Kind is WindowKind.Online or WindowKind.OnlineOnly && w.Contains(start, end)), hidden?.Label);
                }).ToList();
                result.Add(new AgendaDay(agenda, date, entries));
            }
        }
        return result;
    }

    /// <summary>Staff: the appointments of the practice's agendas in a period (for the agenda view).</summary>
    public async Task<IReadOnlyList<AppointmentView>> StaffAppointmentsAsync(PortalCaller caller, string? scheduleId, LocalDate from, int days, CancellationToken ct)
    {
        RequireCare(caller);
        var rules = db.Rules(caller.OrganizationId!);
        var ids = rules.Agendas.Where(a => scheduleId is null || a.ScheduleId == scheduleId).Select(a => a.ScheduleId).ToList();
        var rows = db.AppointmentsOfSchedules(ids, DutchCalendar.ToInstant(from.AtMidnight()), DutchCalendar.ToInstant(from.PlusDays(days).AtMidnight()));
        var views = new List<AppointmentView>();
        foreach (var row in rows.Where(r => r.Active))
            views.Add(await ViewAsync(caller, row.Id, ct));
        return views;
    }

    /// <summary>Staff: web appointments nobody has checked yet (seed 002: right place, double consult needed, nothing urgent?).</summary>
    public async Task<IReadOnlyList<AppointmentView>> UncheckedAsync(PortalCaller caller, CancellationToken ct)
    {
        RequireCare(caller);
        var rules = db.Rules(caller.OrganizationId!);
        var views = new List<AppointmentView>();
        foreach (var row in db.UncheckedWeb(rules.Agendas.Select(a => a.ScheduleId).ToList()))
            views.Add(await ViewAsync(caller, row.Id, ct));
        return views;
    }

    public async Task<AppointmentView> MarkCheckedAsync(PortalCaller caller, string appointmentId, CancellationToken ct)
    {
        var view = await StaffOwnAsync(caller, appointmentId, ct);
        if (!view.Row.Web)
            throw AppointmentErrors.Invalid("Alleen webafspraken worden gecontroleerd.");
        db.MarkChecked(appointmentId, caller.FhirUser!);
        return await ViewAsync(caller, appointmentId, ct);
    }

    /// <summary>Staff: move an appointment to free slots of any agenda of the practice, with a message for the patient.</summary>
    public async Task<AppointmentView> StaffMoveAsync(PortalCaller caller, string appointmentId, string scheduleId, Instant start, string? message, CancellationToken ct)
    {
        var view = await StaffOwnAsync(caller, appointmentId, ct);
        if (!view.Row.Active)
            throw AppointmentErrors.Invalid("Deze afspraak is geannuleerd.");
        var rules = db.Rules(caller.OrganizationId!);
        var agenda = rules.Agendas.FirstOrDefault(a => a.ScheduleId == scheduleId) ?? throw AppointmentErrors.NotFound("Deze agenda bestaat niet in uw praktijk.");
        var minutes = view.Resource.Start is { } s && view.Resource.End is { } e ? (int)(e - s).TotalMinutes : view.VisitType?.Minutes ?? agenda.SlotMinutes;
        var date = DutchCalendar.ToLocal(start).Date;
        var slots = db.SlotRows([scheduleId], DutchCalendar.ToInstant(date.AtMidnight()), DutchCalendar.ToInstant(date.PlusDays(1).AtMidnight()));
        var chain = new List<AppointmentDb.SlotRow>();
        var end = start;
        foreach (var slot in slots.Where(x => x.Start >= start).OrderBy(x => x.Start))
        {
            if (end - start >= Duration.FromMinutes(minutes) || slot.Start != end || !(slot.Status == "free" && slot.AppointmentId is null || slot.AppointmentId == appointmentId))
                break;
            chain.Add(slot);
            end = slot.End;
        }
        if (chain.Count == 0 || end - start < Duration.FromMinutes(minutes))
            throw AppointmentErrors.Rule(BookingRules.SlotTaken, "Op dit tijdstip is niet genoeg vrije tijd in deze agenda.", "start");
        var json = await CurrentJsonAsync(appointmentId, ct);
        json["start"] = Fhir(start);
        json["end"] = Fhir(end);
        json["slot"] = new JsonArray(chain.Select(x => (JsonNode)new JsonObject { ["reference"] = $"Slot/{x.Id}" }).ToArray());
        ReplaceActor(json, agenda.ActorRef);
        if (!string.IsNullOrWhiteSpace(message))
            json["comment"] = message.Trim();
        await WriteAsync(caller, FhirInteraction.Update, appointmentId, view, json, ct);
        return await ViewAsync(caller, appointmentId, ct);
    }

    /// <summary>Staff: cancel with a message for the patient (e.g. the visit type does not fit); no cut-off for the practice.</summary>
    public async Task<AppointmentView> StaffCancelAsync(PortalCaller caller, string appointmentId, string? message, CancellationToken ct)
    {
        var view = await StaffOwnAsync(caller, appointmentId, ct);
        if (!view.Row.Active)
            return view;
        if (string.IsNullOrWhiteSpace(message))
            throw AppointmentErrors.Invalid("Schrijf een bericht voor de patiënt: waarom de afspraak vervalt en wat hij of zij nu moet doen.", "message");
        var json = await CurrentJsonAsync(appointmentId, ct);
        json["status"] = "cancelled";
        json["cancelationReason"] = new JsonObject { ["text"] = message.Trim() };
        await WriteAsync(caller, FhirInteraction.Update, appointmentId, view, json, ct);
        if (view.Row.Web)
            db.MarkChecked(appointmentId, caller.FhirUser!);
        return await ViewAsync(caller, appointmentId, ct);
    }

    /// <summary>Web appointments made in a month per agenda (seed 002, step 6: share the count every month).</summary>
    public async Task<IReadOnlyList<WebCount>> MonthlyCountsAsync(PortalCaller caller, int year, int month, CancellationToken ct)
    {
        RequireStaff(caller);
        if (month is < 1 or > 12 || year is < 2000 or > 2100)
            throw AppointmentErrors.Invalid("Kies een geldige maand.", "month");
        var rules = db.Rules(caller.OrganizationId!);
        var first = new LocalDate(year, month, 1);
        var counts = db.WebCounts(rules.Agendas.Select(a => a.ScheduleId).ToList(),
            DutchCalendar.ToInstant(first.AtMidnight()), DutchCalendar.ToInstant(first.PlusMonths(1).AtMidnight()));
        var named = await NamedAsync(rules.Agendas, null, ct);
        return named.Select(a => counts.FirstOrDefault(c => c.ScheduleId == a.Setting.ScheduleId) is { ScheduleId: not null } c
            ? new WebCount(a, c.Count, c.Cancelled) : new WebCount(a, 0, 0)).ToList();
    }

    // ---- settings (staff; the practice manager too) ---------------------------------------------

    public async Task<SettingsView> SettingsAsync(PortalCaller caller, CancellationToken ct)
    {
        RequireStaff(caller);
        var rules = db.Rules(caller.OrganizationId!);
        return new SettingsView(rules, await NamedAsync(rules.Agendas, null, ct));
    }

    public PracticeRules SavePractice(PortalCaller caller, int minDays, int maxDays, int cutoffHours)
    {
        RequireStaff(caller);
        if (minDays < 0 || maxDays < minDays || maxDays > 366)
            throw AppointmentErrors.Invalid("De minimale termijn moet 0 of meer zijn en de maximale termijn tussen de minimale en 366 dagen.", "maxDays");
        if (cutoffHours is < 0 or > 24 * 14)
            throw AppointmentErrors.Invalid("Annuleren kan tot 0 tot 336 uur (twee weken) van tevoren worden ingesteld.", "cutoffHours");
        db.SavePractice(caller.OrganizationId!, new PracticeSettings(minDays, maxDays, cutoffHours));
        return db.Rules(caller.OrganizationId!);
    }

    public VisitType SaveVisitType(PortalCaller caller, VisitType visit)
    {
        RequireStaff(caller);
        if (string.IsNullOrWhiteSpace(visit.Code) || visit.Code.Length > 64 || !visit.Code.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-'))
            throw AppointmentErrors.Invalid("Geef een code van letters, cijfers en streepjes (maximaal 64 tekens).", "code");
        if (string.IsNullOrWhiteSpace(visit.Name) || visit.Name.Length > 100)
            throw AppointmentErrors.Invalid("Geef de soort afspraak een naam (maximaal 100 tekens).", "name");
        if (visit.Minutes is < 5 or > 120 || visit.Minutes % 5 != 0)
            throw AppointmentErrors.Invalid("De duur is een veelvoud van 5 minuten, van 5 tot 120.", "minutes");
        var saved = visit with { Name = visit.Name.Trim(), Preparation = Blank(visit.Preparation), FollowUp = Blank(visit.FollowUp) };
        db.SaveVisitType(caller.OrganizationId!, saved);
        return saved;
    }

    public bool DeleteVisitType(PortalCaller caller, string code)
    {
        RequireStaff(caller);
        return db.DeleteVisitType(caller.OrganizationId!, code);
    }

    public async Task<Agenda> SaveAgendaAsync(PortalCaller caller, string scheduleId, PractitionerKind kind, bool online, int slotMinutes, CancellationToken ct)
    {
        RequireStaff(caller);
        if (slotMinutes is < 5 or > 60)
            throw AppointmentErrors.Invalid("Een slot duurt 5 tot 60 minuten.", "slotMinutes");
        var existing = db.Agenda(scheduleId);
        if (existing is not null && existing.OrganizationId != caller.OrganizationId)
            throw AppointmentErrors.NotFound("Deze agenda bestaat niet in uw praktijk.");
        var actor = existing?.ActorRef ?? await ScheduleActorAsync(caller, scheduleId, ct);
        var saved = new AgendaSetting(scheduleId, caller.OrganizationId!, kind, actor, online, slotMinutes);
        db.SaveAgenda(saved);
        return (await NamedAsync([saved], null, ct))[0];
    }

    public AgendaWindow SaveWindow(PortalCaller caller, AgendaWindow window)
    {
        RequireStaff(caller);
        if (window.Day is null && window.Date is null)
            throw AppointmentErrors.Invalid("Kies een weekdag of een datum.", "weekday");
        if (window.To != LocalTime.Midnight && window.To <= window.From)
            throw AppointmentErrors.Invalid("De eindtijd moet na de begintijd liggen.", "to");
        var rules = db.Rules(caller.OrganizationId!);
        if (window.ScheduleId is { } s && rules.Agendas.All(a => a.ScheduleId != s))
            throw AppointmentErrors.NotFound("Deze agenda bestaat niet in uw praktijk.");
        if (!string.IsNullOrEmpty(window.Id) && rules.Windows.All(w => w.Id != window.Id))
            throw AppointmentErrors.NotFound("Dit tijdvak bestaat niet (meer).");
        return db.SaveWindow(caller.OrganizationId!, window);
    }

    public bool DeleteWindow(PortalCaller caller, string id)
    {
        RequireStaff(caller);
        return db.DeleteWindow(caller.OrganizationId!, id);
    }

    public IReadOnlyList<EmergencyRule> SaveEmergency(PortalCaller caller, IReadOnlyList<EmergencyRule> rules)
    {
        RequireStaff(caller);
        if (rules.Any(r => r.Places is < 0 or > 50))
            throw AppointmentErrors.Invalid("Het aantal spoedplekken ligt tussen 0 en 50.", "places");
        if (rules.Any(r => r.To != LocalTime.Midnight && r.To <= r.From))
            throw AppointmentErrors.Invalid("De eindtijd moet na de begintijd liggen.", "to");
        db.SaveEmergency(caller.OrganizationId!, rules);
        return db.Rules(caller.OrganizationId!).Emergency;
    }

    // ---- views and the .ics ---------------------------------------------------------------------

    /// <summary>One appointment the caller may see (their own, a child's, or one of their practice for staff).</summary>
    public async Task<AppointmentView> ViewAsync(PortalCaller caller, string appointmentId, CancellationToken ct)
    {
        StoredResourceView stored;
        try
        {
            var current = await resources.ReadAsync(Appointment, appointmentId, ct);
            using var doc = JsonDocument.Parse(current.Json!);
            stored = new StoredResourceView(doc.RootElement.Clone(), current.Version);
            await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Read, Appointment, appointmentId, stored.Root), ct);
        }
        catch (FhirException e)
        {
            throw AppointmentErrors.Translate(e);
        }
        var row = db.Appointment(appointmentId) ?? throw AppointmentErrors.NotFound();
        var agenda = row.ScheduleId is { } s ? db.Agenda(s) : null;
        if (caller.IsStaff && agenda?.OrganizationId != caller.OrganizationId)
            throw AppointmentErrors.NotFound();
        var rules = agenda is null ? null : db.Rules(agenda.OrganizationId);
        var resource = AppointmentResource.Parse(stored.Root);
        return new AppointmentView(resource, row, stored.Version, rules?.VisitType(resource.VisitType), agenda?.Kind, rules?.Settings ?? PracticeSettings.Default,
            rules is null ? "de praktijk" : await PracticePhoneAsync(rules.OrganizationId, ct), Now(), caller.IsStaff);
    }

    private sealed record StoredResourceView(JsonElement Root, long Version);

    public async Task<string> CalendarFileAsync(PortalCaller caller, string appointmentId, CancellationToken ct)
    {
        var view = await ViewAsync(caller, appointmentId, ct);
        var actor = view.Row.ActorRef;
        var names = actor is null ? new Dictionary<string, string>() : await DisplayNamesAsync([actor], ct);
        var agenda = view.Row.ScheduleId is { } s ? db.Agenda(s) : null;
        var (practiceName, address) = agenda is null ? (null, null) : await PracticeAsync(agenda.OrganizationId, ct);
        return CalendarFile.For(view, actor is null ? null : names.GetValueOrDefault(actor), practiceName, address, Now());
    }

    public async Task<IReadOnlyDictionary<string, string>> DisplayNamesAsync(IReadOnlyList<string> references, CancellationToken ct)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in references.Distinct(StringComparer.Ordinal))
        {
            var slash = reference.IndexOf('/');
            if (slash <= 0)
                continue;
            try
            {
                var stored = await resources.ReadAsync(reference[..slash], reference[(slash + 1)..], ct);
                using var doc = JsonDocument.Parse(stored.Json!);
                result[reference] = MessagingService.NameOf(doc.RootElement);
            }
            catch (FhirException)
            {
                result[reference] = reference;
            }
        }
        return result;
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    private async Task<(AgendaSetting Agenda, VisitType Visit, Offer Offer)> FindOfferAsync(PortalCaller caller, string patient, PracticeRules rules, string scheduleId,
        string visitTypeCode, Instant start, CancellationToken ct, string? ownSlots = null)
    {
        var agenda = rules.Agendas.FirstOrDefault(a => a.ScheduleId == scheduleId && a.Online)
            ?? throw AppointmentErrors.Invalid("Deze zorgverlener heeft geen online agenda.", "scheduleId");
        var visit = rules.VisitType(visitTypeCode) is { Online: true } v ? v : throw AppointmentErrors.Rule(BookingRules.WrongVisitType, "Kies een soort afspraak uit de lijst.", "visitType");
        if (visit.Kind != agenda.Kind)
            throw AppointmentErrors.Rule(BookingRules.WrongVisitType, "Dit soort afspraak kunt u bij deze zorgverlener niet maken.", "visitType");
        var date = DutchCalendar.ToLocal(start).Date;
        var now = Now();
        if (!BookingRules.WithinHorizon(date, now, rules.Settings))
            throw AppointmentErrors.Rule(BookingRules.OutsideHorizon,
                $"U kunt online een afspraak maken van {Long(BookingRules.FirstBookableDate(now, rules.Settings))} tot en met {Long(BookingRules.LastBookableDate(now, rules.Settings))}.", "start");
        var slots = db.SlotRows([scheduleId], DutchCalendar.ToInstant(date.AtMidnight()), DutchCalendar.ToInstant(date.PlusDays(1).AtMidnight()))
            .Select(s => new AgendaSlot(s.Id, s.Start, s.End, s.Status == "free" && s.AppointmentId is null || ownSlots is not null && s.AppointmentId == ownSlots))
            .ToList();
        var offer = BookingRules.Offers(rules.For(agenda), visit, slots, now, rules.Settings).FirstOrDefault(o => o.Start == start);
        if (offer is null)
        {
            var taken = slots.Any(s => s.Start == start && !s.Free);
            throw taken
                ? AppointmentErrors.Rule(BookingRules.SlotTaken, "Dit tijdstip is net door iemand anders geboekt. Kies een ander tijdstip.", "start")
                : AppointmentErrors.Rule(BookingRules.NotBookable, "Dit tijdstip is niet (meer) online te boeken. Kies een ander tijdstip.", "start");
        }
        await Task.CompletedTask;
        return (agenda, visit, offer);
    }

    private async Task<StoredAppointment> WriteAsync(PortalCaller caller, FhirInteraction interaction, string? id, AppointmentView? current, JsonObject json,
        CancellationToken ct)
    {
        if (id is not null)
            json["id"] = id;
        using var doc = JsonDocument.Parse(json.ToJsonString());
        try
        {
            JsonElement? currentRoot = null;
            using var currentDoc = id is null ? null : JsonDocument.Parse((await resources.ReadAsync(Appointment, id, ct)).Json!);
            currentRoot = currentDoc?.RootElement;
            await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, interaction, Appointment, id, currentRoot, doc.RootElement, PortalRules: true), ct);
            using (AppointmentWriter.As(caller.Principal))
            {
                var body = JsonDocument.Parse(json.ToJsonString());
                var outcome = id is null
                    ? await resources.CreateAsync(Appointment, body, ct)
                    : await resources.UpdateAsync(Appointment, id, body, current?.Version, ct);
                return new StoredAppointment(outcome.Resource.Id);
            }
        }
        catch (FhirException e)
        {
            throw AppointmentErrors.Translate(e);
        }
    }

    private sealed record StoredAppointment(string Id);

    private async Task<JsonObject> CurrentJsonAsync(string id, CancellationToken ct) =>
        JsonNode.Parse((await resources.ReadAsync(Appointment, id, ct)).Json!)!.AsObject();

    private async Task<AppointmentView> OwnAsync(PortalCaller caller, string appointmentId, CancellationToken ct)
    {
        caller.RequirePatient();
        return await ViewAsync(caller, appointmentId, ct);
    }

    private async Task<AppointmentView> StaffOwnAsync(PortalCaller caller, string appointmentId, CancellationToken ct)
    {
        RequireCare(caller);
        return await ViewAsync(caller, appointmentId, ct);
    }

    private static void RequireStaff(PortalCaller caller) => caller.RequireStaff();

    /// <summary>Agenda contents (names, reasons) are medical: care staff only, not the practice manager.</summary>
    private static void RequireCare(PortalCaller caller)
    {
        caller.RequireStaff();
        if (caller.Role == StaffRoles.Praktijkmanager)
            throw AppointmentErrors.Forbidden("Een praktijkmanager beheert de instellingen en ziet geen afspraken van patiënten.");
    }

    private async Task<IReadOnlyList<Agenda>> NamedAsync(IReadOnlyList<AgendaSetting> agendas, string? preselect, CancellationToken ct)
    {
        var names = await DisplayNamesAsync(agendas.Select(a => a.ActorRef).ToList(), ct);
        return agendas.Select(a => new Agenda(a, names.GetValueOrDefault(a.ActorRef) ?? a.ActorRef, a.ActorRef == preselect))
            .OrderByDescending(a => a.Preselected).ThenBy(a => a.Display, StringComparer.Create(CultureInfo.GetCultureInfo("nl-NL"), true)).ToList();
    }

    private async Task<string> ScheduleActorAsync(PortalCaller caller, string scheduleId, CancellationToken ct)
    {
        try
        {
            var schedule = await resources.ReadAsync("Schedule", scheduleId, ct);
            using var doc = JsonDocument.Parse(schedule.Json!);
            string? role = null, practitioner = null;
            foreach (var actor in doc.RootElement.GetProperty("actor").EnumerateArray())
            {
                var r = AppointmentResource.Str(actor, "reference") ?? "";
                if (r.StartsWith("Practitioner/", StringComparison.Ordinal)) practitioner = r;
                if (r.StartsWith("PractitionerRole/", StringComparison.Ordinal)) role = r;
            }
            if (role is null)
                throw AppointmentErrors.Invalid("Deze agenda hoort niet bij een rol in uw praktijk.", "scheduleId");
            var roleResource = await resources.ReadAsync("PractitionerRole", role["PractitionerRole/".Length..], ct);
            using var roleDoc = JsonDocument.Parse(roleResource.Json!);
            if (Ref(roleDoc.RootElement, "organization") != $"Organization/{caller.OrganizationId}")
                throw AppointmentErrors.NotFound("Deze agenda bestaat niet in uw praktijk.");
            return practitioner ?? role;
        }
        catch (FhirException)
        {
            throw AppointmentErrors.NotFound("Deze agenda bestaat niet.");
        }
    }

    public async Task<string> PracticePhoneAsync(string organizationId, CancellationToken ct)
    {
        try
        {
            return AppointmentIndexer.PhoneOf((await resources.ReadAsync("Organization", organizationId, ct)).Json!);
        }
        catch (FhirException)
        {
            return "de praktijk";
        }
    }

    private async Task<(string? Name, string? Address)> PracticeAsync(string organizationId, CancellationToken ct)
    {
        try
        {
            var stored = await resources.ReadAsync("Organization", organizationId, ct);
            using var doc = JsonDocument.Parse(stored.Json!);
            var root = doc.RootElement;
            string? address = null;
            if (root.TryGetProperty("address", out var addresses) && addresses.ValueKind == JsonValueKind.Array && addresses.GetArrayLength() > 0)
            {
                var a = addresses[0];
                var lines = a.TryGetProperty("line", out var l) ? l.EnumerateArray().Select(x => x.GetString()).OfType<string>() : [];
                address = string.Join(", ", lines.Append(string.Join(" ", new[] { AppointmentResource.Str(a, "postalCode"), AppointmentResource.Str(a, "city") }.OfType<string>())));
            }
            return (AppointmentResource.Str(root, "name"), address);
        }
        catch (FhirException)
        {
            return (null, null);
        }
    }

    private static void ReplaceActor(JsonObject json, string actorRef)
    {
        if (json["participant"] is not JsonArray participants)
            return;
        foreach (var p in participants.OfType<JsonObject>())
        {
            var reference = (string?)p["actor"]?["reference"];
            if (reference is not null && !reference.StartsWith("Patient/", StringComparison.Ordinal) && !reference.StartsWith("RelatedPerson/", StringComparison.Ordinal))
                p["actor"] = new JsonObject { ["reference"] = actorRef };
        }
    }

    private static string? Ref(JsonElement e, string property) =>
        e.TryGetProperty(property, out var r) && r.ValueKind == JsonValueKind.Object ? AppointmentResource.Str(r, "reference") : null;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static string Fhir(Instant instant) => instant.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Long(LocalDate date) => date.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("nl-NL"));
}

/// <summary>Errors of the appointment API: a Dutch message and a stable extensions.code (the rule's code where a rule refused).</summary>
public static class AppointmentErrors
{
    public static GraphQLException Forbidden(string message = "U heeft geen toegang tot deze afspraak.") => new(message, MessagingErrors.ForbiddenCode);

    public static GraphQLException NotFound(string message = "Deze afspraak bestaat niet (meer).") => new(message, MessagingErrors.NotFoundCode);

    public static GraphQLException Invalid(string message, string? field = null) => MessagingErrors.Invalid(message, field);

    public static GraphQLException Rule(string code, string message, string? field = null)
    {
        var error = new GraphQLException(message, code);
        if (field is not null)
            error.Extensions["field"] = field;
        return error;
    }

    /// <summary>The policy's 401/403/404 and the rules' 409/422 in the portal's words.</summary>
    public static Exception Translate(FhirException e)
    {
        var rule = e.Issues.Select(i => i.Diagnostics).FirstOrDefault(d => d.StartsWith(AppointmentIndexer.RulePrefix, StringComparison.Ordinal));
        if (rule is not null)
            return Rule(rule[AppointmentIndexer.RulePrefix.Length..], e.Issues[0].Diagnostics);
        return e.Status switch
        {
            401 => MessagingErrors.Unauthenticated(),
            403 => Forbidden(),
            404 or 410 => NotFound(),
            409 or 412 => Rule(BookingRules.SlotTaken, "De afspraak is intussen gewijzigd. Laad de pagina opnieuw."),
            _ => Invalid("De afspraak kon niet worden opgeslagen: " + string.Join(" ", e.Issues.Where(i => i.IsError).Select(i => i.Diagnostics))),
        };
    }
}
