using System.Collections;
using System.Globalization;
using System.Text.Json;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api.Record;

/// <summary>A record as the caller sees it; its lists are loaded per type, one search for every record a request shows.</summary>
public sealed record RecordView(PortalCaller Caller, RecordSubject Subject);

/// <summary>A medication with the orders of its record, to say whether it can be ordered now.</summary>
public sealed record MedicationView(Medication Medication, IReadOnlyList<RepeatOrder> Orders);

/// <summary>Binds record.graphql (Mijn dossier, Mijn medicijnen, repeat orders) to <see cref="RecordService"/>.</summary>
public static class RecordSchema
{
    public const string Notice = "Dit is een samenvatting; wat er in uw dossier staat bepaalt uw huisarts.";

    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    public static SchemaBuilder Bind(SchemaBuilder builder) => builder
        // Query
        .Bind("Query", "medicalRecord", async ctx =>
        {
            var caller = PortalCaller.From(ctx.User);
            return new RecordView(caller, await Service(ctx).SubjectAsync(caller, ctx.ArgumentOrDefault<string?>("patientId", null), ctx.CancellationToken));
        })
        .Bind("Query", "repeatOrders", async ctx =>
        {
            var open = ctx.ArgumentOrDefault("status", "OPEN") != "HANDLED";
            return PortalSchema.Connection(await Service(ctx).PracticeOrdersAsync(PortalCaller.From(ctx.User), open, ctx.CancellationToken), ctx);
        })
        .Bind("Query", "repeatOrder", async ctx =>
        {
            try
            {
                return await Service(ctx).PracticeOrderAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), ctx.CancellationToken);
            }
            catch (GraphQLException e) when (e.Code == MessagingErrors.NotFoundCode)
            {
                return null;
            }
        })
        // Mutation
        .Bind("Mutation", "orderRepeatPrescription", async ctx =>
        {
            var input = PortalSchema.Input(ctx, "input");
            var ids = input.TryGetValue("medicationIds", out var v) && v is IEnumerable list
                ? list.Cast<object?>().Select(i => i?.ToString() ?? "").ToList()
                : [];
            return await Service(ctx).OrderAsync(PortalCaller.From(ctx.User), PortalSchema.Text(input, "patientId"), ids,
                PortalSchema.Text(input, "note"), PortalSchema.Text(input, "requestKey"), ctx.CancellationToken);
        })
        .Bind("Mutation", "approveRepeatOrder", async ctx =>
            await Service(ctx).HandleAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), approve: true, null, ctx.CancellationToken))
        .Bind("Mutation", "rejectRepeatOrder", async ctx =>
            await Service(ctx).HandleAsync(PortalCaller.From(ctx.User), ctx.Argument<string>("id"), approve: false, ctx.Argument<string>("reason"), ctx.CancellationToken))
        // MedicalRecord
        .Bind<RecordView>("MedicalRecord", "patient", (r, _) => Party($"Patient/{r.Subject.PatientId}", r.Subject.Display))
        .Bind<RecordView>("MedicalRecord", "notice", (_, _) => Notice)
        .Bind<RecordView>("MedicalRecord", "episodes", (r, ctx) => EpisodesAsync(r, ctx))
        .Bind<RecordView>("MedicalRecord", "allergies", (r, ctx) => AllergiesAsync(ctx, r))
        .Bind<RecordView>("MedicalRecord", "labResults", (r, ctx) => LabResultsAsync(r, ctx))
        .Bind<RecordView>("MedicalRecord", "medications", (r, ctx) => MedicationsAsync(r, ctx))
        .Bind<RecordView>("MedicalRecord", "medicationPassport", (r, ctx) => PassportAsync(r, ctx))
        .Bind<RecordView>("MedicalRecord", "repeatOrders", (r, ctx) => OrdersAsync(r, ctx))
        // Episode
        .Bind<Episode>("Episode", "id", (e, _) => e.Id)
        .Bind<Episode>("Episode", "title", (e, _) => e.Title)
        .Bind<Episode>("Episode", "code", (e, _) => e.Code)
        .Bind<Episode>("Episode", "active", (e, _) => e.Active)
        .Bind<Episode>("Episode", "onset", (e, _) => e.Onset is { } m ? Iso(m.Day) : null)
        .Bind<Episode>("Episode", "onsetLocal", (e, _) => e.Onset is { } m ? DayLabel(m.Day) : null)
        .Bind<Episode>("Episode", "end", (e, _) => e.Abatement is { } m ? Iso(m.Day) : null)
        .Bind<Episode>("Episode", "endLocal", (e, _) => e.Abatement is { } m ? DayLabel(m.Day) : null)
        // Allergy
        .Bind<Allergy>("Allergy", "id", (a, _) => a.Id)
        .Bind<Allergy>("Allergy", "substance", (a, _) => a.Substance)
        .Bind<Allergy>("Allergy", "category", (a, _) => a.Category)
        .Bind<Allergy>("Allergy", "categoryLabel", (a, _) => a.Category switch
        {
            "food" => "Voedsel",
            "medication" => "Geneesmiddel",
            "environment" => "Omgeving",
            "biologic" => "Biologisch",
            _ => null,
        })
        .Bind<Allergy>("Allergy", "criticality", (a, _) => a.Criticality)
        .Bind<Allergy>("Allergy", "active", (a, _) => a.Active)
        .Bind<Allergy>("Allergy", "reactions", (a, _) => a.Reactions)
        .Bind<Allergy>("Allergy", "recorded", (a, _) => a.Recorded is { } m ? Iso(m.Day) : null)
        .Bind<Allergy>("Allergy", "recordedLocal", (a, _) => a.Recorded is { } m ? DayLabel(m.Day) : null)
        // LabResult
        .Bind<LabResult>("LabResult", "id", (l, _) => l.Id)
        .Bind<LabResult>("LabResult", "test", (l, _) => l.Test)
        .Bind<LabResult>("LabResult", "code", (l, _) => l.Code)
        .Bind<LabResult>("LabResult", "value", (l, _) => l.Value)
        .Bind<LabResult>("LabResult", "unit", (l, _) => l.Unit)
        .Bind<LabResult>("LabResult", "referenceLow", (l, _) => l.Low)
        .Bind<LabResult>("LabResult", "referenceHigh", (l, _) => l.High)
        .Bind<LabResult>("LabResult", "referenceRange", (l, _) => RangeText(l))
        .Bind<LabResult>("LabResult", "flag", (l, _) => l.Flag)
        .Bind<LabResult>("LabResult", "outsideRange", (l, _) => l.Flag is "H" or "L" or "HH" or "LL" or "A" or "AA")
        .Bind<LabResult>("LabResult", "date", (l, _) => l.Date is { } m ? Iso(m.Day) : null)
        .Bind<LabResult>("LabResult", "dateLocal", (l, _) => l.Date is { } m ? DayLabel(m.Day) : null)
        // Medication
        .Bind<MedicationView>("Medication", "id", (m, _) => m.Medication.Id)
        .Bind<MedicationView>("Medication", "name", (m, _) => m.Medication.Name)
        .Bind<MedicationView>("Medication", "dosage", (m, _) => m.Medication.Dosage)
        .Bind<MedicationView>("Medication", "status", (m, _) => m.Medication.Status)
        .Bind<MedicationView>("Medication", "current", (m, _) => m.Medication.Current)
        .Bind<MedicationView>("Medication", "chronic", (m, _) => m.Medication.Chronic)
        .Bind<MedicationView>("Medication", "kindLabel", (m, _) => m.Medication.Chronic ? "Chronisch" : "Eenmalig")
        .Bind<MedicationView>("Medication", "authoredOn", (m, _) => m.Medication.AuthoredOn is { } a ? Iso(a.Day) : null)
        .Bind<MedicationView>("Medication", "authoredOnLocal", (m, _) => m.Medication.AuthoredOn is { } a ? DayLabel(a.Day) : null)
        .Bind<MedicationView>("Medication", "orderable", (m, _) => RecordService.CanOrder(m.Medication, m.Orders))
        .Bind<MedicationView>("Medication", "orderBlockedReason", (m, _) =>
            !m.Medication.Chronic ? "Geen herhaalmedicatie: alleen chronische medicatie kunt u via het portaal bestellen."
            : !m.Medication.Current ? "U gebruikt dit medicijn volgens uw dossier niet meer."
            : RecordService.OpenOrderFor(m.Medication.Id, m.Orders) ? "Al besteld: de praktijk behandelt uw bestelling nog."
            : null)
        // RepeatOrder
        .Bind<RepeatOrder>("RepeatOrder", "id", (o, _) => o.Id)
        .Bind<RepeatOrder>("RepeatOrder", "patient", (o, ctx) => PortalSchema.PartyAsync(ctx, $"Patient/{o.PatientId}"))
        .Bind<RepeatOrder>("RepeatOrder", "status", (o, _) => o.Status)
        .Bind<RepeatOrder>("RepeatOrder", "orderedAt", (o, _) => PortalSchema.Utc(o.OrderedAt.ToDateTimeOffset()))
        .Bind<RepeatOrder>("RepeatOrder", "orderedAtLocal", (o, _) => DutchCalendar.ToLocal(o.OrderedAt).ToString("d MMMM yyyy 'om' HH:mm", Dutch))
        .Bind<RepeatOrder>("RepeatOrder", "readyDate", (o, _) => Iso(o.ReadyDate))
        .Bind<RepeatOrder>("RepeatOrder", "readyDateLocal", (o, _) => o.ReadyDate.ToString("dddd d MMMM yyyy", Dutch))
        .Bind<RepeatOrder>("RepeatOrder", "note", (o, _) => o.Note)
        .Bind<RepeatOrder>("RepeatOrder", "rejectReason", (o, _) => o.RejectReason)
        .Bind<RepeatOrder>("RepeatOrder", "medicines", (o, _) => o.Lines)
        .Bind<RepeatOrderLine>("RepeatOrderLine", "id", (l, _) => l.Id)
        .Bind<RepeatOrderLine>("RepeatOrderLine", "medicine", (l, _) => l.Medicine)
        .Bind<RepeatOrderLine>("RepeatOrderLine", "medicationId", (l, _) => l.BasedOn)
        .Bind<RepeatOrderLine>("RepeatOrderLine", "status", (l, _) => l.Status switch
        {
            "draft" => "OPEN",
            "cancelled" or "stopped" or "entered-in-error" => "REJECTED",
            _ => "APPROVED",
        });

    private static async Task<List<Episode>> EpisodesAsync(RecordView r, ResolverContext ctx)
    {
        var filter = ctx.ArgumentOrDefault("filter", "CURRENT");
        return (await LoadAsync(ctx, r, "Condition", null)).Select(RecordService.ParseEpisode)
            .Where(e => filter == "ALL" || e.Active == (filter == "CURRENT"))
            .OrderByDescending(e => e.Onset?.Instant ?? Instant.MinValue).ToList();
    }

    private static async Task<Dictionary<string, object?>> LabResultsAsync(RecordView r, ResolverContext ctx) =>
        PortalSchema.Connection((await LoadAsync(ctx, r, "Observation", "category=laboratory")).Select(RecordService.ParseLab)
            .OrderByDescending(l => l.Date?.Instant ?? Instant.MinValue).ThenBy(l => l.Test, StringComparer.CurrentCulture).ToList(), ctx);

    private static async Task<List<MedicationView>> MedicationsAsync(RecordView r, ResolverContext ctx)
    {
        var filter = ctx.ArgumentOrDefault("filter", "CURRENT");
        var record = await MedicationAsync(ctx, r);
        return record.Medications.Where(m => filter == "ALL" || m.Current == (filter == "CURRENT"))
            .Select(m => new MedicationView(m, record.Orders)).ToList();
    }

    private static async Task<IReadOnlyList<RepeatOrder>> OrdersAsync(RecordView r, ResolverContext ctx) => (await MedicationAsync(ctx, r)).Orders;

    private static async Task<Dictionary<string, object?>> PassportAsync(RecordView r, ResolverContext ctx)
    {
        var now = Service(ctx).Now();
        var today = now.InZone(DutchCalendar.Amsterdam).Date;
        var record = await MedicationAsync(ctx, r);
        var allergies = await AllergiesAsync(ctx, r);
        var since = today.Minus(KnownRecord.LookBack);
        return new Dictionary<string, object?>
        {
            ["patient"] = Party($"Patient/{r.Subject.PatientId}", r.Subject.Display),
            ["birthDate"] = r.Subject.BirthDate is { } b ? Iso(b) : null,
            ["birthDateLocal"] = r.Subject.BirthDate is { } bl ? DayLabel(bl) : null,
            ["practice"] = r.Subject.OrganizationId is { } org ? await PortalSchema.PartyAsync(ctx, $"Organization/{org}") : null,
            ["since"] = Iso(since),
            ["sinceLocal"] = DayLabel(since),
            ["medications"] = RecordService.Passport(record.Medications, today).Select(m => new MedicationView(m, record.Orders)).ToList(),
            ["allergies"] = allergies.Where(a => a.Active).ToList(),
            ["createdAt"] = PortalSchema.Utc(now.ToDateTimeOffset()),
            ["createdAtLocal"] = DutchCalendar.ToLocal(now).ToString("d MMMM yyyy 'om' HH:mm", Dutch),
        };
    }

    private static RecordService Service(ResolverContext ctx) => ctx.Service<RecordService>();

    /// <summary>The resources of one type in this record: one search for every record the request shows (DataLoader per type).</summary>
    private static async Task<List<JsonElement>> LoadAsync(ResolverContext ctx, RecordView r, string type, string? extraQuery)
    {
        var service = Service(ctx);
        var loader = ctx.DataLoader<string, List<JsonElement>>($"record:{type}", async (patients, ct) =>
            await service.OfPatientsAsync(r.Caller, type, patients, extraQuery, ct));
        return await loader.LoadAsync(r.Subject.PatientId) ?? [];
    }

    private static async Task<RecordMedication> MedicationAsync(ResolverContext ctx, RecordView r) =>
        RecordService.SplitMedication(await LoadAsync(ctx, r, "MedicationRequest", null));

    private static async Task<List<Allergy>> AllergiesAsync(ResolverContext ctx, RecordView r) =>
        (await LoadAsync(ctx, r, "AllergyIntolerance", null)).Select(RecordService.ParseAllergy)
            .OrderByDescending(a => a.Active).ThenBy(a => a.Substance, StringComparer.CurrentCulture).ToList();

    private static Dictionary<string, object?> Party(string reference, string display) => new() { ["reference"] = reference, ["display"] = display };

    private static string? RangeText(LabResult l) => (l.Low, l.High) switch
    {
        (null, null) => null,
        ({ } low, null) => $"> {low}{Unit(l)}",
        (null, { } high) => $"< {high}{Unit(l)}",
        ({ } low, { } high) => $"{low} - {high}{Unit(l)}",
    };

    private static string Unit(LabResult l) => l.Unit is null ? "" : " " + l.Unit;

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static string DayLabel(LocalDate date) => date.ToString("d MMMM yyyy", Dutch);
}
