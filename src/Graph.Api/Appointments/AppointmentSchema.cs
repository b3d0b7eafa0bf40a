using System.Collections;
using System.Globalization;
using Graph.Api.Appointments.Storage;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api.Appointments;

/// <summary>Binds appointments.graphql (Query/Mutation extensions and its types) to <see cref="AppointmentService"/>.</summary>
public static class AppointmentSchema
{
    public const string UrgentNotice =
        "Heeft u een spoedeisende klacht? Maak dan geen afspraak via het portaal, maar bel direct de praktijk. Buiten kantooruren belt u de huisartsenpost.";

    /// <summary>Where the .ics of an appointment can be downloaded with the caller's bearer token.</summary>
    public const string CalendarPath = "/portal/afspraken/{id}/agenda.ics";

    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    public static SchemaBuilder Bind(SchemaBuilder builder) => builder
        // Query
        .Bind("Query", "appointmentBooking", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            var service = Service(ctx);
            var patientId = ctx.ArgumentOrDefault<string?>("patientId", null);
            var (patient, _) = await service.PatientAsync(caller, patientId, ctx.CancellationToken);
            var rules = await service.PracticeOfAsync(caller, patient, ctx.CancellationToken);
            var kinds = await service.KindsAsync(caller, patient, ctx.CancellationToken);
            var names = await service.DisplayNamesAsync([$"Patient/{patient}", $"Organization/{rules.OrganizationId}"], ctx.CancellationToken);
            var now = service.Now();
            var (enabled, hours) = service.Reminder(caller);
            var phone = await service.PracticePhoneAsync(rules.OrganizationId, ctx.CancellationToken);
            return new Dictionary<string, object?>
            {
                ["urgentNotice"] = UrgentNotice,
                ["patient"] = Party($"Patient/{patient}", names),
                ["kinds"] = kinds.Select(k => new Dictionary<string, object?> { ["kind"] = Kind(k), ["label"] = KindLabel(k) }).ToList(),
                ["firstBookableDate"] = Iso(BookingRules.FirstBookableDate(now, rules.Settings)),
                ["lastBookableDate"] = Iso(BookingRules.LastBookableDate(now, rules.Settings)),
                ["cutoffHours"] = rules.Settings.CutoffHours,
                ["practicePhone"] = phone,
                ["reminder"] = Reminder(enabled, hours),
            };
        })
        .Bind("Query", "bookablePractitioners", async ctx =>
        {
            var agendas = await Service(ctx).AgendasAsync(PortalCaller.From(ctx.User), ctx.ArgumentOrDefault<string?>("patientId", null),
                ParseKind(ctx.Argument<string>("kind")), ctx.CancellationToken);
            return agendas.Select(AgendaView).ToList();
        })
        .Bind("Query", "visitTypes", async ctx =>
        {
            var kind = ctx.ArgumentOrDefault<string?>("kind", null) is { } k ? ParseKind(k) : (PractitionerKind?)null;
            var types = await Service(ctx).VisitTypesAsync(PortalCaller.From(ctx.User), ctx.ArgumentOrDefault<string?>("patientId", null), kind, ctx.CancellationToken);
            return types.Select(VisitTypeView).ToList();
        })
        .Bind("Query", "availability", async ctx =>
        {
            var a = await Service(ctx).AvailabilityAsync(PortalCaller.From(ctx.User), ctx.ArgumentOrDefault<string?>("patientId", null),
                ctx.Argument<string>("scheduleId"), ctx.Argument<string>("visitType"), OptionalDate(ctx, "from"), OptionalDate(ctx, "to"), ctx.CancellationToken);
            return new Dictionary<string, object?>
            {
                ["firstBookableDate"] = Iso(a.FirstBookableDate),
                ["lastBookableDate"] = Iso(a.LastBookableDate),
                ["from"] = Iso(a.From),
                ["to"] = Iso(a.To),
                ["days"] = a.Days,
            };
        })
        .Bind("Query", "myAppointments", async ctx => await Service(ctx).MineAsync(PortalCaller.From(ctx.User), ctx.ArgumentOrDefault<string?>("patientId", null),
            ctx.ArgumentOrDefault("when", "FUTURE") != "PAST", ctx.CancellationToken))
        .Bind("Query", "appointment", async ctx =>
        {
            try
            {
                return await Service(ctx).ViewAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), ctx.CancellationToken);
            }
            catch (GraphQLException e) when (e.Code == MessagingErrors.NotFoundCode)
            {
                return null;
            }
        })
        .Bind("Query", "agenda", async ctx =>
        {
            var days = ctx.ArgumentOrDefault("days", 1);
            if (days is < 1 or > 31)
                throw AppointmentErrors.Invalid("Kies 1 tot 31 dagen.", "days");
            var caller = PortalCaller.From(ctx.User);
            var from = Date(ctx.Argument<string>("from"), "from");
            var scheduleId = ctx.ArgumentOrDefault<string?>("scheduleId", null);
            var service = Service(ctx);
            var agenda = await service.StaffAgendaAsync(caller, scheduleId, from, days, ctx.CancellationToken);
            var appointments = (await service.StaffAppointmentsAsync(caller, scheduleId, from, days, ctx.CancellationToken)).ToDictionary(v => v.Id);
            return agenda.Select(day => new Dictionary<string, object?>
            {
                ["scheduleId"] = day.Agenda.Setting.ScheduleId,
                ["practitioner"] = new Dictionary<string, object?> { ["reference"] = day.Agenda.Setting.ActorRef, ["display"] = day.Agenda.Display },
                ["kind"] = Kind(day.Agenda.Setting.Kind),
                ["date"] = Iso(day.Date),
                ["label"] = day.Date.ToString("dddd d MMMM yyyy", Dutch),
                ["freeCount"] = day.Entries.Count(e => e.Slot.Status == "free" && e.Slot.AppointmentId is null && !e.Hidden),
                ["slots"] = day.Entries.Select(e => new Dictionary<string, object?>
                {
                    ["slotId"] = e.Slot.Id,
                    ["start"] = AppointmentService.Fhir(e.Slot.Start),
                    ["end"] = AppointmentService.Fhir(e.Slot.End),
                    ["timeLocal"] = TimeLabel(e.Slot.Start, e.Slot.End),
                    ["status"] = e.Slot.AppointmentId is null ? e.Slot.Status : "busy",
                    ["onlineOnly"] = e.OnlineOnly,
                    ["online"] = e.Online,
                    ["hidden"] = e.Hidden,
                    ["hiddenLabel"] = e.HiddenLabel,
                    ["appointment"] = e.Slot.AppointmentId is { } id ? appointments.GetValueOrDefault(id) : null,
                }).ToList(),
            }).ToList();
        })
        .Bind("Query", "newWebAppointments", async ctx => await Service(ctx).UncheckedAsync(PortalCaller.From(ctx.User), ctx.CancellationToken))
        .Bind("Query", "webAppointmentCounts", async ctx =>
        {
            var month = ctx.Argument<string>("month");
            var parsed = YearMonthPattern.Iso.Parse(month);
            if (!parsed.Success)
                throw AppointmentErrors.Invalid("Geef een maand als jjjj-mm.", "month");
            var counts = await Service(ctx).MonthlyCountsAsync(PortalCaller.From(ctx.User), parsed.Value.Year, parsed.Value.Month, ctx.CancellationToken);
            return counts.Select(c => new Dictionary<string, object?>
            {
                ["scheduleId"] = c.Agenda.Setting.ScheduleId,
                ["practitioner"] = new Dictionary<string, object?> { ["reference"] = c.Agenda.Setting.ActorRef, ["display"] = c.Agenda.Display },
                ["booked"] = c.Booked,
                ["cancelled"] = c.Cancelled,
            }).ToList();
        })
        .Bind("Query", "appointmentSettings", async ctx => SettingsView(await Service(ctx).SettingsAsync(PortalCaller.From(ctx.User), ctx.CancellationToken)))
        // Mutation
        .Bind("Mutation", "bookAppointment", async ctx =>
        {
            var input = Input(ctx, "input");
            return await Service(ctx).BookAsync(PortalCaller.From(ctx.User), Text(input, "patientId"), Text(input, "scheduleId") ?? "", Text(input, "visitType") ?? "",
                Instant(Text(input, "start"), "start"), Text(input, "reason"), ctx.CancellationToken);
        })
        .Bind("Mutation", "rescheduleAppointment", async ctx => await Service(ctx).RescheduleAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"),
            Instant(ctx.Argument<string>("start"), "start"), ctx.ArgumentOrDefault<string?>("scheduleId", null), ctx.CancellationToken))
        .Bind("Mutation", "cancelAppointment", async ctx => await Service(ctx).CancelAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), ctx.CancellationToken))
        .Bind("Mutation", "setAppointmentReminder", ctx =>
        {
            var (enabled, hours) = Service(ctx).SetReminder(PortalCaller.From(ctx.User), ctx.Argument<bool>("enabled"), ctx.ArgumentOrDefault("hours", 24));
            return Reminder(enabled, hours);
        })
        .Bind("Mutation", "markAppointmentChecked", async ctx => await Service(ctx).MarkCheckedAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), ctx.CancellationToken))
        .Bind("Mutation", "moveAppointment", async ctx => await Service(ctx).StaffMoveAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"),
            ctx.Argument<string>("scheduleId"), Instant(ctx.Argument<string>("start"), "start"), ctx.ArgumentOrDefault<string?>("message", null), ctx.CancellationToken))
        .Bind("Mutation", "cancelAppointmentByPractice", async ctx => await Service(ctx).StaffCancelAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"),
            ctx.Argument<string>("message"), ctx.CancellationToken))
        .Bind("Mutation", "savePracticeBookingSettings", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            Service(ctx).SavePractice(caller, ctx.Argument<int>("minDays"), ctx.Argument<int>("maxDays"), ctx.Argument<int>("cutoffHours"));
            return SettingsView(await Service(ctx).SettingsAsync(caller, ctx.CancellationToken));
        })
        .Bind("Mutation", "saveVisitType", ctx =>
        {
            var input = Input(ctx, "input");
            var visit = new VisitType(Text(input, "code") ?? "", Text(input, "name") ?? "", Int(input, "minutes") ?? 0, ParseKind(Text(input, "kind") ?? ""),
                Text(input, "preparation"), Text(input, "followUp"), input.TryGetValue("online", out var o) && o is bool b ? b : true, Int(input, "order") ?? 100);
            return VisitTypeView(Service(ctx).SaveVisitType(PortalCaller.From(ctx.User), visit));
        })
        .Bind("Mutation", "deleteVisitType", ctx => Service(ctx).DeleteVisitType(PortalCaller.From(ctx.User), ctx.Argument<string>("code")))
        .Bind("Mutation", "saveAgendaSetting", async ctx => AgendaView(await Service(ctx).SaveAgendaAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("scheduleId"),
            ParseKind(ctx.Argument<string>("kind")), ctx.Argument<bool>("online"), ctx.ArgumentOrDefault("slotMinutes", 10), ctx.CancellationToken)))
        .Bind("Mutation", "saveAgendaWindow", ctx =>
        {
            var input = Input(ctx, "input");
            var window = new AgendaWindow(Text(input, "id") ?? "", Text(input, "scheduleId"), ParseWindowKind(Text(input, "kind") ?? ""),
                Int(input, "weekday") is { } w ? (w is >= 1 and <= 7 ? (IsoDayOfWeek)w : throw AppointmentErrors.Invalid("Een weekdag is 1 (maandag) tot 7 (zondag).", "weekday")) : null,
                Text(input, "date") is { } d ? Date(d, "date") : null, Clock(Text(input, "from"), "from"), Clock(Text(input, "to"), "to"), Text(input, "label"));
            return WindowView(Service(ctx).SaveWindow(PortalCaller.From(ctx.User), window));
        })
        .Bind("Mutation", "deleteAgendaWindow", ctx => Service(ctx).DeleteWindow(PortalCaller.From(ctx.User), ctx.Argument<string>("id")))
        .Bind("Mutation", "saveEmergencyRules", ctx =>
        {
            var rules = ((IEnumerable)ctx.Arguments["rules"]!).Cast<object?>().Select(r => AsInput(r, "rules")).Select(r => new EmergencyRule(
                ParseKind(Text(r, "kind") ?? ""),
                Int(r, "weekday") is int w and >= 1 and <= 7 ? (IsoDayOfWeek)w : throw AppointmentErrors.Invalid("Een weekdag is 1 (maandag) tot 7 (zondag).", "weekday"),
                Clock(Text(r, "from"), "from"), Clock(Text(r, "to"), "to"), Int(r, "places") ?? 0)).ToList();
            return Service(ctx).SaveEmergency(PortalCaller.From(ctx.User), rules).Select(EmergencyView).ToList();
        })
        .Bind("Mutation", "generateSlots", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            caller.RequireStaff();
            var days = ctx.ArgumentOrDefault<int?>("days", null);
            if (days is < 1 or > 366)
                throw AppointmentErrors.Invalid("Kies 1 tot 366 dagen.", "days");
            return await ctx.Service<SlotGenerator>().GenerateAsync(caller.OrganizationId!, days, ctx.CancellationToken);
        })
        // Availability: thousands of times per answer, so each field is computed only when asked for
        .Bind<AvailableDay>("AvailableDay", "date", (d, _) => Iso(d.Date))
        .Bind<AvailableDay>("AvailableDay", "label", (d, _) => d.Date.ToString("dddd d MMMM", Dutch))
        .Bind<AvailableDay>("AvailableDay", "times", (d, _) => d.Times)
        .Bind<Offer>("TimeOption", "start", (t, _) => AppointmentService.Fhir(t.Start))
        .Bind<Offer>("TimeOption", "end", (t, _) => AppointmentService.Fhir(t.End))
        .Bind<Offer>("TimeOption", "label", (t, _) => TimeLabel(t.Start, t.End))
        .Bind<Offer>("TimeOption", "onlineOnly", (t, _) => t.OnlineOnly)
        // Appointment
        .Bind<AppointmentView>("Appointment", "id", (a, _) => a.Id)
        .Bind<AppointmentView>("Appointment", "status", (a, _) => a.Resource.Status switch
        {
            "booked" or "pending" or "proposed" or "arrived" or "checked-in" => "BOOKED",
            "cancelled" => "CANCELLED",
            "fulfilled" => "FULFILLED",
            "noshow" => "NOSHOW",
            _ => "OTHER",
        })
        .Bind<AppointmentView>("Appointment", "start", (a, _) => a.Resource.Start is { } s ? AppointmentService.Fhir(s) : "")
        .Bind<AppointmentView>("Appointment", "end", (a, _) => a.Resource.End is { } e ? AppointmentService.Fhir(e) : "")
        .Bind<AppointmentView>("Appointment", "dateLocal", (a, _) => a.Resource.Start is { } s ? DutchCalendar.ToLocal(s).Date.ToString("dddd d MMMM yyyy", Dutch) : "")
        .Bind<AppointmentView>("Appointment", "timeLocal", (a, _) => a.Resource.Start is { } s && a.Resource.End is { } e ? TimeLabel(s, e) : "")
        .Bind<AppointmentView>("Appointment", "patient", (a, ctx) => PartyAsync(ctx, a.Row.PatientId is { } p ? $"Patient/{p}" : "Patient/?"))
        .Bind<AppointmentView>("Appointment", "practitioner", (a, ctx) => a.Row.ActorRef is { } r ? PartyAsync(ctx, r) : Task.FromResult<Dictionary<string, object?>>(null!))
        .Bind<AppointmentView>("Appointment", "scheduleId", (a, _) => a.Row.ScheduleId)
        .Bind<AppointmentView>("Appointment", "kind", (a, _) => a.Kind is { } k ? Kind(k) : null)
        .Bind<AppointmentView>("Appointment", "visitType", (a, _) => a.VisitType is { } v ? VisitTypeView(v) : null)
        .Bind<AppointmentView>("Appointment", "reason", (a, _) => a.Resource.Reason)
        .Bind<AppointmentView>("Appointment", "web", (a, _) => a.Row.Web)
        .Bind<AppointmentView>("Appointment", "checkedAt", (a, _) => a.ForStaff && a.Row.Checked is { } c ? AppointmentService.Fhir(NodaTime.Instant.FromDateTimeOffset(c)) : null)
        .Bind<AppointmentView>("Appointment", "bookedAt", (a, _) => AppointmentService.Fhir(a.Resource.Created ?? a.Row.Created))
        .Bind<AppointmentView>("Appointment", "practiceMessage", (a, _) => a.Resource.PracticeMessage)
        .Bind<AppointmentView>("Appointment", "canChange", (a, _) => a.CanChange)
        .Bind<AppointmentView>("Appointment", "changeDeadline", (a, _) => a.Resource.Start is { } s ? AppointmentService.Fhir(BookingRules.CutoffOf(s, a.Settings)) : null)
        .Bind<AppointmentView>("Appointment", "changeBlockedMessage", (a, _) => a.ChangeBlockedMessage)
        .Bind<AppointmentView>("Appointment", "calendarFile", (a, ctx) => Service(ctx).CalendarFileAsync(PortalCaller.From(ctx.User), a.Id, ctx.CancellationToken))
        .Bind<AppointmentView>("Appointment", "calendarUrl", (a, _) => CalendarPath.Replace("{id}", Uri.EscapeDataString(a.Id), StringComparison.Ordinal));

    private static AppointmentService Service(ResolverContext ctx) => ctx.Service<AppointmentService>();

    private static Dictionary<string, object?> Party(string reference, IReadOnlyDictionary<string, string> names) =>
        new() { ["reference"] = reference, ["display"] = names.GetValueOrDefault(reference) ?? reference };

    private static async Task<Dictionary<string, object?>> PartyAsync(ResolverContext ctx, string reference)
    {
        var service = Service(ctx);
        var names = ctx.DataLoader<string, string>("appointmentDisplayName", async (refs, ct) => await service.DisplayNamesAsync(refs, ct));
        return new Dictionary<string, object?> { ["reference"] = reference, ["display"] = await names.LoadAsync(reference) ?? reference };
    }

    private static Dictionary<string, object?> Reminder(bool enabled, int hours) => new() { ["enabled"] = enabled, ["hours"] = hours };

    private static Dictionary<string, object?> AgendaView(Agenda a) => new()
    {
        ["scheduleId"] = a.Setting.ScheduleId,
        ["practitioner"] = new Dictionary<string, object?> { ["reference"] = a.Setting.ActorRef, ["display"] = a.Display },
        ["kind"] = Kind(a.Setting.Kind),
        ["online"] = a.Setting.Online,
        ["slotMinutes"] = a.Setting.SlotMinutes,
        ["preselected"] = a.Preselected,
    };

    private static Dictionary<string, object?> VisitTypeView(VisitType v) => new()
    {
        ["code"] = v.Code,
        ["name"] = v.Name,
        ["minutes"] = v.Minutes,
        ["kind"] = Kind(v.Kind),
        ["preparation"] = v.Preparation,
        ["followUp"] = v.FollowUp,
        ["online"] = v.Online,
        ["order"] = v.Order,
    };

    private static Dictionary<string, object?> WindowView(AgendaWindow w) => new()
    {
        ["id"] = w.Id,
        ["scheduleId"] = w.ScheduleId,
        ["kind"] = w.Kind switch { WindowKind.Online => "ONLINE", WindowKind.OnlineOnly => "ONLINE_ONLY", WindowKind.Hidden => "HIDDEN", _ => "SPREEKUUR" },
        ["weekday"] = w.Day is { } d ? (int)d : null,
        ["date"] = w.Date is { } date ? Iso(date) : null,
        ["from"] = AppointmentDb.FormatTime(w.From),
        ["to"] = AppointmentDb.FormatTime(w.To),
        ["label"] = w.Label,
    };

    private static Dictionary<string, object?> EmergencyView(EmergencyRule r) => new()
    {
        ["kind"] = Kind(r.Kind),
        ["weekday"] = (int)r.Day,
        ["from"] = AppointmentDb.FormatTime(r.From),
        ["to"] = AppointmentDb.FormatTime(r.To),
        ["places"] = r.Places,
    };

    private static Dictionary<string, object?> SettingsView(SettingsView s) => new()
    {
        ["minDays"] = s.Rules.Settings.MinDays,
        ["maxDays"] = s.Rules.Settings.MaxDays,
        ["cutoffHours"] = s.Rules.Settings.CutoffHours,
        ["visitTypes"] = s.Rules.VisitTypes.Select(VisitTypeView).ToList(),
        ["agendas"] = s.Agendas.Select(AgendaView).ToList(),
        ["windows"] = s.Rules.Windows.Select(WindowView).ToList(),
        ["emergencyRules"] = s.Rules.Emergency.Select(EmergencyView).ToList(),
    };

    public static string Kind(PractitionerKind kind) => kind switch
    {
        PractitionerKind.Assistent => "ASSISTENT",
        PractitionerKind.Poh => "POH",
        _ => "HUISARTS",
    };

    public static string KindLabel(PractitionerKind kind) => kind switch
    {
        PractitionerKind.Assistent => "Afspraak met de doktersassistente",
        PractitionerKind.Poh => "Afspraak met de praktijkondersteuner",
        _ => "Doktersafspraak",
    };

    private static PractitionerKind ParseKind(string kind) => kind switch
    {
        "ASSISTENT" => PractitionerKind.Assistent,
        "POH" => PractitionerKind.Poh,
        _ => PractitionerKind.Huisarts,
    };

    private static WindowKind ParseWindowKind(string kind) => kind switch
    {
        "ONLINE" => WindowKind.Online,
        "ONLINE_ONLY" => WindowKind.OnlineOnly,
        "HIDDEN" => WindowKind.Hidden,
        _ => WindowKind.Spreekuur,
    };

    private static string TimeLabel(Instant start, Instant end) =>
        $"{DutchCalendar.ToLocal(start):HH:mm}-{DutchCalendar.ToLocal(end):HH:mm}";

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static LocalDate Date(string text, string field) =>
        LocalDatePattern.Iso.Parse(text) is { Success: true } r ? r.Value : throw AppointmentErrors.Invalid("Geef een datum als jjjj-mm-dd.", field);

    private static LocalDate? OptionalDate(ResolverContext ctx, string name) =>
        ctx.ArgumentOrDefault<string?>(name, null) is { } text ? Date(text, name) : null;

    private static LocalTime Clock(string? text, string field) =>
        text is not null && LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text) is { Success: true } r ? r.Value
            : throw AppointmentErrors.Invalid("Geef een tijd als uu:mm.", field);

    private static Instant Instant(string? text, string field) =>
        AppointmentResource.Time(text) ?? throw AppointmentErrors.Invalid("Geef een tijdstip als ISO 8601, bijvoorbeeld 2026-11-24T08:00:00Z.", field);

    private static IReadOnlyDictionary<string, object?> Input(ResolverContext ctx, string name) =>
        AsInput(ctx.Arguments.TryGetValue(name, out var v) ? v : null, name);

    private static IReadOnlyDictionary<string, object?> AsInput(object? v, string name) =>
        v is IReadOnlyDictionary<string, object?> d ? d
        : v is IDictionary<string, object?> m ? m.AsReadOnly()
        : throw AppointmentErrors.Invalid("Ontbrekende invoer.", name);

    private static string? Text(IReadOnlyDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var v) ? v?.ToString() : null;

    private static int? Int(IReadOnlyDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var v) && v is not null ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : null;
}
