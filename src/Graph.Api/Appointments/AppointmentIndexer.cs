using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Store;
using Graph.Api.Appointments.Storage;
using Graph.Api.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Graph.Api.Appointments;

/// <summary>
/// Who is writing an Appointment, for the rules: the portal's services say it explicitly
/// (<see cref="As"/>), a FHIR request through its HTTP context. Read while the write is prepared, on
/// the caller's flow, not inside the store's writer.
/// </summary>
public static class AppointmentWriter
{
    private static readonly AsyncLocal<ClaimsPrincipal?> Current = new();

    public static IDisposable As(ClaimsPrincipal principal)
    {
        var previous = Current.Value;
        Current.Value = principal;
        return new Restore(previous);
    }

    internal static ClaimsPrincipal? Principal(IHttpContextAccessor http) => Current.Value ?? http.HttpContext?.User;

    private sealed class Restore(ClaimsPrincipal? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>
/// The booking rules' door inside the write transaction of the resource service, so they hold for
/// every write of a Slot or Appointment, whichever door it came in by (portal GraphQL, FHIR REST,
/// transaction Bundles), and with several host processes on one database (the transaction holds
/// SQLite's write lock):
/// <list type="bullet">
/// <item>Slots and Appointments are projected into module tables (availability is one indexed query).</item>
/// <item>An active Appointment claims its slots; a slot held by another appointment or not free is a
/// 409: exactly one of two simultaneous bookings wins. Claimed slots become busy, released ones free
/// again (the Slot resources are updated in the same transaction).</item>
/// <item>A patient (portal or app) may only make web appointments that pass <see cref="BookingRules"/>,
/// and change or cancel them only before the cut-off.</item>
/// <item>Confirmation and change e-mails are enqueued in the same transaction (<see cref="AppointmentNotifications"/>).</item>
/// </list>
/// </summary>
public sealed class AppointmentIndexer(IServiceProvider services, IHttpContextAccessor http, TimeProvider time) : IResourceIndexer
{
    private sealed record PreparedSlot(string ScheduleId, Instant Start, Instant End, string Status);

    private sealed record PreparedAppointment(AppointmentResource Resource, WriterKind Writer, string? WriterRef);

    public enum WriterKind { Other, Patient, Staff }

    public static bool IsActive(string status) => KnownAppointments.ActiveStatuses.Contains(status);

    public object? Prepare(string type, JsonElement resource)
    {
        if (type == "Slot")
        {
            var schedule = resource.TryGetProperty("schedule", out var s) ? AppointmentResource.Str(s, "reference") : null;
            var start = AppointmentResource.Time(AppointmentResource.Str(resource, "start"));
            var end = AppointmentResource.Time(AppointmentResource.Str(resource, "end"));
            return schedule is not null && schedule.StartsWith("Schedule/", StringComparison.Ordinal) && start is { } b && end is { } e
                ? new PreparedSlot(schedule["Schedule/".Length..], b, e, AppointmentResource.Str(resource, "status") ?? "free")
                : null;
        }
        if (type != "Appointment")
            return null;
        var principal = AppointmentWriter.Principal(http);
        return new PreparedAppointment(AppointmentResource.Parse(resource), Writer(principal), principal?.FindFirst(PortalClaims.FhirUser)?.Value);
    }

    private static WriterKind Writer(ClaimsPrincipal? principal) => principal?.FindFirst(PortalClaims.Kind)?.Value switch
    {
        PortalClaims.KindPatient => WriterKind.Patient,
        PortalClaims.KindStaff => WriterKind.Staff,
        _ => WriterKind.Other,
    };

    public void Index(IWriteSession session, StoredResource stored, object? prepared)
    {
        if (stored.Type == "Slot")
            IndexSlot(session, stored, prepared as PreparedSlot);
        else if (stored.Type == "Appointment")
            IndexAppointment(session, stored, prepared as PreparedAppointment);
    }

    private static void IndexSlot(IWriteSession session, StoredResource stored, PreparedSlot? slot)
    {
        if (stored.IsDeleted || slot is null)
            AppointmentDb.DeleteSlot(session.Connection, stored.Id);
        else
            AppointmentDb.UpsertSlot(session.Connection, stored.Id, slot.ScheduleId, slot.Start, slot.End, slot.Status);
    }

    private void IndexAppointment(IWriteSession session, StoredResource stored, PreparedAppointment? prepared)
    {
        var c = session.Connection;
        var db = services.GetRequiredService<AppointmentDb>();
        var before = db.Appointment(stored.Id, c);
        if (stored.IsDeleted || prepared is null)
        {
            // A patient's delete is a cancellation: only before the cut-off, like every other door.
            if (stored.IsDeleted && before is { Active: true, Start: { } start } && Writer(AppointmentWriter.Principal(http)) == WriterKind.Patient)
            {
                var agenda = before.ScheduleId is { } s ? db.Agenda(s, c) : null;
                var settings = agenda is null ? PracticeSettings.Default : db.Rules(agenda.OrganizationId, c).Settings;
                if (BookingRules.CheckChange(start, Instant.FromDateTimeOffset(time.GetUtcNow()), settings, PracticePhone(session, agenda?.OrganizationId)) is { } late)
                    throw Rule(422, IssueCodes.BusinessRule, late.Code, late.Message);
            }
            foreach (var slot in AppointmentDb.Release(c, stored.Id, []))
                SetSlotStatus(session, slot, "free");
            AppointmentDb.DeleteAppointment(c, stored.Id);
            return;
        }
        var incoming = prepared.Resource;
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var held = IsActive(incoming.Status) ? incoming.SlotIds.Distinct(StringComparer.Ordinal).ToList() : [];
        var heldBefore = AppointmentDb.HeldBy(c, stored.Id);
        if (prepared.Writer == WriterKind.Patient)
            CheckPatientWrite(session, db, stored.Id, before, heldBefore, incoming, held, now);

        var released = AppointmentDb.Release(c, stored.Id, held);
        var rows = db.SlotsById(held, c);
        foreach (var slotId in held)
        {
            if (!AppointmentDb.Claim(c, slotId, stored.Id))
            {
                if (rows.All(r => r.Id != slotId))
                    throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable, $"Slot/{slotId} bestaat niet; een afspraak moet vrije slots van een agenda innemen.");
                throw Rule(409, IssueCodes.Conflict, BookingRules.SlotTaken, "Dit tijdstip is net door iemand anders geboekt. Kies een ander tijdstip.");
            }
        }
        if (rows.Select(r => r.ScheduleId).Distinct(StringComparer.Ordinal).Count() > 1)
            throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable, "De slots van een afspraak moeten in één agenda liggen.");
        foreach (var slot in released)
            SetSlotStatus(session, slot, "free");
        foreach (var slot in rows.Where(r => r.AppointmentId != stored.Id))
            SetSlotStatus(session, slot.Id, "busy");

        var scheduleId = rows.FirstOrDefault()?.ScheduleId ?? before?.ScheduleId;
        var row = new AppointmentRow(stored.Id, incoming.PatientId, scheduleId, incoming.ActorRef, incoming.Start, incoming.End, incoming.Status,
            incoming.VisitType, incoming.Web, before?.Created ?? Instant.FromDateTimeOffset(stored.LastUpdated), null, null);
        AppointmentDb.UpsertAppointment(c, row);
        services.GetRequiredService<AppointmentNotifications>().OnWrite(session, stored, before, row, prepared.Writer, prepared.WriterRef);
    }

    /// <summary>Patients book, move and cancel their own web appointments by the practice's rules, before the cut-off.</summary>
    private static void CheckPatientWrite(IWriteSession session, AppointmentDb db, string id, AppointmentRow? before,
        IReadOnlyList<string> heldBefore, AppointmentResource incoming, IReadOnlyList<string> held, Instant now)
    {
        var c = session.Connection;
        if (!incoming.Web)
            throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable,
                $"Een afspraak die een patiënt maakt is een webafspraak: geef meta.tag {KnownAppointments.SourceSystem}|{KnownAppointments.WebTag} mee.");
        var wasActive = before is { Active: true };
        var moves = !heldBefore.SequenceEqual(held) || before?.Start != incoming.Start;
        if (wasActive && (moves || !IsActive(incoming.Status)))
        {
            var agenda = before!.ScheduleId is { } s ? db.Agenda(s, c) : null;
            var settings = agenda is null ? PracticeSettings.Default : db.Rules(agenda.OrganizationId, c).Settings;
            if (before.Start is { } start && BookingRules.CheckChange(start, now, settings, PracticePhone(session, agenda?.OrganizationId)) is { } late)
                throw Rule(422, IssueCodes.BusinessRule, late.Code, late.Message);
        }
        if (!IsActive(incoming.Status) || (wasActive && !moves))
            return;
        if (incoming.Status is not ("booked" or "pending" or "proposed"))
            throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable, "Een nieuwe afspraak heeft status booked.");
        var rows = db.SlotsById(held, c);
        var schedule = rows.Select(r => r.ScheduleId).Distinct(StringComparer.Ordinal).ToList();
        if (held.Count == 0 || rows.Count != held.Count || schedule.Count != 1)
            throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable, "Kies een tijdstip uit de agenda (slot) van één zorgverlener.");
        var agendaSetting = db.Agenda(schedule[0], c)
            ?? throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable, "De agenda van deze zorgverlener is niet online te boeken.");
        var rules = db.Rules(agendaSetting.OrganizationId, c);
        var first = rows.Min(r => r.Start);
        var day = first.InZone(Calendar.DutchCalendar.Amsterdam).Date;
        var dayStart = Calendar.DutchCalendar.ToInstant(day.AtMidnight());
        var dayEnd = Calendar.DutchCalendar.ToInstant(day.PlusDays(1).AtMidnight());
        var slots = db.SlotRows([schedule[0]], dayStart, dayEnd, c)
            .Select(s => new AgendaSlot(s.Id, s.Start, s.End, s.Status == "free" && (s.AppointmentId is null || s.AppointmentId == id)
                || s.AppointmentId == id && heldBefore.Contains(s.Id)))
            .ToList();
        var ordered = held.OrderBy(h => rows.First(r => r.Id == h).Start).ToList();
        if (BookingRules.CheckBooking(rules.For(agendaSetting), rules.VisitType(incoming.VisitType), slots, ordered, incoming.Reason, now, rules.Settings) is { } problem)
            throw Rule(problem.Code == BookingRules.SlotTaken ? 409 : 422, problem.Code == BookingRules.SlotTaken ? IssueCodes.Conflict : IssueCodes.BusinessRule,
                problem.Code, problem.Message);
        var last = rows.Max(r => r.End);
        if (incoming.Start != first || incoming.End != last)
            throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable, "Begin en einde van de afspraak moeten gelijk zijn aan die van de gekozen slots.");
        if (incoming.ActorRef is { } actor && actor != agendaSetting.ActorRef)
            throw Rule(422, IssueCodes.BusinessRule, BookingRules.NotBookable, "De zorgverlener van de afspraak hoort niet bij deze agenda.");
    }

    /// <summary>The practice's phone number from its Organization, for "bel de praktijk".</summary>
    public static string PracticePhone(IWriteSession session, string? organizationId) =>
        organizationId is not null && session.ReadCurrent("Organization", organizationId) is { IsDeleted: false, Json: { } json }
            ? PhoneOf(json) : "de praktijk";

    public static string PhoneOf(byte[] organizationJson)
    {
        using var doc = JsonDocument.Parse(organizationJson);
        if (doc.RootElement.TryGetProperty("telecom", out var telecom) && telecom.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in telecom.EnumerateArray())
            {
                if (AppointmentResource.Str(t, "system") == "phone" && AppointmentResource.Str(t, "value") is { } phone)
                    return phone;
            }
        }
        return "de praktijk";
    }

    /// <summary>A rule violation as FHIR understands it, with the rule's stable code as a second, informational issue.</summary>
    public static FhirException Rule(int status, string issueCode, string ruleCode, string message) =>
        new(status, [OutcomeIssue.Error(issueCode, message, "Appointment"), OutcomeIssue.Information($"{RulePrefix}{ruleCode}")]);

    public const string RulePrefix = "afspraakregel:";

    private void SetSlotStatus(IWriteSession session, string slotId, string status)
    {
        var current = session.ReadCurrent("Slot", slotId);
        if (current is not { IsDeleted: false, Json: not null })
            return;
        var json = JsonNode.Parse(current.Json)!.AsObject();
        if ((string?)json["status"] == status)
            return;
        json["status"] = status;
        var resources = services.GetRequiredService<ResourceService>();
        using var doc = JsonDocument.Parse(json.ToJsonString());
        resources.PutIn(session, resources.Validate(doc.RootElement, "Slot"), slotId, ifMatch: null);
    }
}
