using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Store;
using Graph.Api.Appointments.Storage;
using Graph.Api.Calendar;
using NodaTime;
using Quartz;

namespace Graph.Api.Appointments;

/// <summary>
/// Keeps a rolling horizon of free Slots: for every agenda with consultation hours (windows of kind
/// spreekuur), Slots of the agenda's length on working days up to the practice's maximum booking
/// horizon, outside hidden windows. Existing slots (free, busy, or published by a HIS) are never
/// touched; ids are deterministic (slot-{actor}-{yyyyMMdd}-{HHmm}), so two instances generating at once
/// write each slot once. Local start times that do not exist (the spring DST gap) get no slot; a time
/// that occurs twice (autumn) gets one, at its first occurrence; every slot lasts its real length.
/// </summary>
public sealed class SlotGenerator(AppointmentDb db, ResourceService resources, IResourceStore store, TimeProvider time)
{
    public const int BatchSize = 500;

    /// <returns>How many slots were created.</returns>
    public async Task<int> GenerateAsync(string organizationId, int? days = null, CancellationToken ct = default)
    {
        var rules = db.Rules(organizationId);
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var today = BookingRules.Today(now);
        var last = today.PlusDays(days ?? rules.Settings.MaxDays);
        var created = 0;
        foreach (var agenda in rules.Agendas)
        {
            var windows = rules.For(agenda).Windows;
            if (!windows.Any(w => w.Kind == WindowKind.Spreekuur))
                continue;
            var existing = db.SlotRows([agenda.ScheduleId], DutchCalendar.ToInstant(today.AtMidnight()), DutchCalendar.ToInstant(last.PlusDays(1).AtMidnight()))
                .Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var pending = new List<(string Id, ValidatedResource Resource)>();
            foreach (var (id, start, end) in Plan(agenda, windows, today.PlusDays(1), last))
            {
                if (existing.Contains(id))
                    continue;
                var json = new JsonObject
                {
                    ["resourceType"] = "Slot",
                    ["id"] = id,
                    ["schedule"] = new JsonObject { ["reference"] = $"Schedule/{agenda.ScheduleId}" },
                    ["status"] = "free",
                    ["start"] = AppointmentService.Fhir(start),
                    ["end"] = AppointmentService.Fhir(end),
                };
                using var doc = JsonDocument.Parse(json.ToJsonString());
                pending.Add((id, resources.Validate(doc.RootElement.Clone(), "Slot")));
                if (pending.Count >= BatchSize)
                    created += await WriteAsync(pending, ct);
            }
            created += await WriteAsync(pending, ct);
        }
        return created;
    }

    /// <summary>The slots the consultation hours give between two dates (inclusive), working days only.</summary>
    public static IEnumerable<(string Id, Instant Start, Instant End)> Plan(AgendaSetting agenda, IReadOnlyList<AgendaWindow> windows, LocalDate from, LocalDate to)
    {
        var actor = agenda.ActorRef[(agenda.ActorRef.IndexOf('/') + 1)..];
        var step = Period.FromMinutes(agenda.SlotMinutes);
        for (var day = from; day <= to; day = day.PlusDays(1))
        {
            var applying = windows.Where(w => w.AppliesTo(agenda.ScheduleId, day)).ToList();
            if (!DutchCalendar.Instance.IsWorkingDay(day) && !applying.Any(w => w.Kind == WindowKind.Spreekuur && w.Date == day))
                continue;
            foreach (var hours in applying.Where(w => w.Kind == WindowKind.Spreekuur).OrderBy(w => w.From))
            {
                var windowEnd = AgendaWindow.EndOn(day, hours.To);
                for (var t = day.At(hours.From); t + step <= windowEnd; t += step)
                {
                    var next = t + step;
                    if (applying.Any(w => w.Kind == WindowKind.Hidden && w.Overlaps(t, next)))
                        continue;
                    var startMap = DutchCalendar.Amsterdam.MapLocal(t);
                    if (startMap.Count == 0)
                        continue;
                    var start = startMap.First().ToInstant();
                    var end = start + Duration.FromMinutes(agenda.SlotMinutes);
                    yield return ($"slot-{actor}-{day:yyyyMMdd}-{t:HHmm}", start, end);
                }
            }
        }
    }

    private async Task<int> WriteAsync(List<(string Id, ValidatedResource Resource)> pending, CancellationToken ct)
    {
        if (pending.Count == 0)
            return 0;
        var batch = pending.ToList();
        pending.Clear();
        return await store.WriteAsync(session =>
        {
            var n = 0;
            foreach (var (id, resource) in batch)
            {
                var current = session.ReadCurrent("Slot", id);
                if (current is null)
                {
                    resources.PutIn(session, resource, id, ifMatch: null);
                    n++;
                }
                else if (current is { IsDeleted: false, Json: { } json })
                {
                    // Written before this module existed (an older database): project it as it is, status included.
                    using var doc = JsonDocument.Parse(json);
                    var root = doc.RootElement;
                    if (AppointmentResource.Time(AppointmentResource.Str(root, "start")) is { } start && AppointmentResource.Time(AppointmentResource.Str(root, "end")) is { } end
                        && root.TryGetProperty("schedule", out var schedule) && AppointmentResource.Str(schedule, "reference") is { } reference)
                        AppointmentDb.UpsertSlot(session.Connection, id, reference[(reference.IndexOf('/') + 1)..], start, end, AppointmentResource.Str(root, "status") ?? "free");
                }
            }
            return n;
        }, ct);
    }
}

/// <summary>Extends every practice's slots to its horizon once a night.</summary>
[DisallowConcurrentExecution]
public sealed class SlotGenerationJob(SlotGenerator generator, AppointmentDb db) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        foreach (var organization in db.Organizations())
            await generator.GenerateAsync(organization, ct: cancellationToken);
    }
}
