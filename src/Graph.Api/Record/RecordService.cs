using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Fhir.Server.Search;
using Fhir.Server.Store;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Engine.Execution;
using Identity.Access;
using NodaTime;
using static Graph.Api.Record.KnownRecord;

namespace Graph.Api.Record;

/// <summary>Whose record is shown: the patient, their name and their practice.</summary>
public sealed record RecordSubject(string PatientId, string Display, string? OrganizationId, LocalDate? BirthDate);

public sealed record Episode(string Id, string Title, string? Code, bool Active, FhirMoment? Onset, FhirMoment? Abatement);

public sealed record Allergy(string Id, string Substance, string? Category, string? Criticality, bool Active, IReadOnlyList<string> Reactions, FhirMoment? Recorded);

public sealed record LabResult(string Id, string Test, string? Code, string? Value, string? Unit, string? Low, string? High, string? Flag, FhirMoment? Date);

/// <summary>A prescription of the record (not a portal repeat order).</summary>
public sealed record Medication(string Id, string Name, string? Dosage, string Status, bool Chronic, FhirMoment? AuthoredOn)
{
    public bool Current => Status is "active" or "on-hold";
}

/// <summary>One medicine of a repeat order: the MedicationRequest the portal wrote.</summary>
public sealed record RepeatOrderLine(string Id, long Version, string Medicine, string? BasedOn, string Status, string? Reason, JsonElement Resource);

/// <summary>A repeat order: the medicines ordered together (same groupIdentifier).</summary>
public sealed record RepeatOrder(string Id, string PatientId, Instant OrderedAt, string? Note, IReadOnlyList<RepeatOrderLine> Lines)
{
    public LocalDate ReadyDate => RepeatPrescriptionRules.ReadyDate(OrderedAt);

    /// <summary>OPEN while any medicine waits; REJECTED when all were refused; else APPROVED.</summary>
    public string Status =>
        Lines.Any(l => l.Status == "draft") ? "OPEN"
        : Lines.All(l => l.Status is "cancelled" or "stopped" or "entered-in-error") ? "REJECTED"
        : "APPROVED";

    public string? RejectReason => Lines.Select(l => l.Reason).FirstOrDefault(r => r is not null);
}

/// <summary>What a record holds of one type, for one patient: the matching resources, parsed.</summary>
public sealed record RecordMedication(IReadOnlyList<Medication> Medications, IReadOnlyList<RepeatOrder> Orders);

/// <summary>
/// "Mijn dossier" and "Mijn medicijnen" (seed 003, 4.7 and 4.8; seed 004, Herhaalrecepten): the
/// record summary the HIS keeps in FHIR (episodes, allergies, lab results, medication), read through
/// search, and repeat orders for chronic medication, written through <see cref="ResourceService"/>.
/// Who may see or order for whom is decided by <see cref="IFhirAccessPolicy"/> alone (a patient's own
/// record, a child's under the WGBO rules, staff their practice's patients); every resource shown is
/// recorded in the access log through the policy.
/// </summary>
public sealed class RecordService(
    ResourceService resources,
    IResourceStore store,
    IFhirSearch search,
    IFhirAccessPolicy policy,
    ProxyAccess proxies,
    RepeatOrderMessages orderMessages,
    TimeProvider time)
{
    private const int MaxResults = 1000;
    public const int MaxNoteLength = 500;
    public const int MaxReasonLength = 500;
    private const string MedicationRequest = "MedicationRequest";
    public const int MaxLinesPerOrder = 20;

    /// <summary>The MedicationRequest id of the n-th medicine (from 0) of an order: known from the order id, so a double submission writes nothing new.</summary>
    public static string LineId(string orderId, int index) => $"herhaal-{orderId}-{index + 1}";

    public Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());

    // ---- whose record ----------------------------------------------------------------------

    /// <summary>
    /// The record the caller asks for: a patient's own (default) or a child's they may act for now;
    /// staff: a patient of their practice (patientId required). Logs the read of the Patient.
    /// </summary>
    public async Task<RecordSubject> SubjectAsync(PortalCaller caller, string? patientId, CancellationToken ct)
    {
        var id = patientId is { } p && p.StartsWith("Patient/", StringComparison.Ordinal) ? p["Patient/".Length..] : patientId;
        if (caller.IsPatient)
        {
            var self = caller.PatientId!;
            id = string.IsNullOrEmpty(id) ? self : id;
            if (id != self && !(await ReachableAsync(caller, ct)).Contains(id))
            {
                var reason = proxies.Find(self, id) is null ? null : ProxyAccess.Explain(await proxies.DecideAsync(self, id, ct));
                throw RecordErrors.Forbidden(reason ?? "U heeft geen toegang tot dit dossier.");
            }
        }
        else if (caller.IsStaff)
        {
            if (string.IsNullOrEmpty(id))
                throw RecordErrors.Invalid("Kies de patiënt van wie u het dossier wilt zien.", "patientId");
        }
        else
        {
            throw RecordErrors.Forbidden();
        }
        try
        {
            var stored = await resources.ReadAsync("Patient", id, ct);
            using var doc = JsonDocument.Parse(stored.Json!);
            await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Read, "Patient", id, doc.RootElement), ct);
            var root = doc.RootElement;
            var org = Ref(root, "managingOrganization") is { } o && o.StartsWith("Organization/", StringComparison.Ordinal) ? o["Organization/".Length..] : null;
            LocalDate? birth = Str(root, "birthDate") is { } b && NodaTime.Text.LocalDatePattern.Iso.Parse(b) is { Success: true } r ? r.Value : null;
            return new RecordSubject(id, MessagingService.NameOf(root), org, birth);
        }
        catch (FhirException e) when (caller.IsPatient && e.Status is 404 or 410)
        {
            throw RecordErrors.Forbidden("U heeft geen toegang tot dit dossier.");
        }
        catch (FhirException e)
        {
            throw RecordErrors.Translate(e);
        }
    }

    private async Task<IReadOnlySet<string>> ReachableAsync(PortalCaller caller, CancellationToken ct)
    {
        try
        {
            var restriction = await policy.GetSearchRestrictionAsync(caller.Principal, "Patient", ct);
            return restriction.PatientIds ?? new HashSet<string>(StringComparer.Ordinal) { caller.PatientId! };
        }
        catch (FhirException e)
        {
            throw RecordErrors.Translate(e);
        }
    }

    // ---- reading: one search per type for all patients asked in a request ----------------------

    /// <summary>
    /// The resources of <paramref name="type"/> in the records of <paramref name="patients"/> (already
    /// authorised by <see cref="SubjectAsync"/>), in one search; every match is recorded in the access log.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, List<JsonElement>>> OfPatientsAsync(PortalCaller caller, string type, IReadOnlyList<string> patients,
        string? extraQuery, CancellationToken ct)
    {
        try
        {
            policy.CheckInteraction(caller.Principal, FhirInteraction.Search, type);
        }
        catch (FhirException e)
        {
            throw RecordErrors.Translate(e);
        }
        var result = patients.Distinct(StringComparer.Ordinal).ToDictionary(p => p, _ => new List<JsonElement>(), StringComparer.Ordinal);
        if (result.Count == 0)
            return result;
        var refs = string.Join(',', result.Keys.Select(p => Uri.EscapeDataString($"Patient/{p}")));
        var query = $"patient={refs}&_count={MaxResults}" + (extraQuery is null ? "" : "&" + extraQuery);
        var records = new List<FhirAccessRecord>();
        foreach (var resource in await SearchAsync(type, query, ct))
        {
            var subject = Ref(resource, type == "AllergyIntolerance" ? "patient" : "subject");
            var patient = subject is not null && subject.StartsWith("Patient/", StringComparison.Ordinal) ? subject["Patient/".Length..] : null;
            if (patient is null || !result.TryGetValue(patient, out var list))
                continue;
            list.Add(resource);
            records.Add(new FhirAccessRecord(FhirInteraction.Search, type, Str(resource, "id")!, [patient]));
        }
        if (records.Count > 0)
            await policy.RecordAsync(caller.Principal, records, ct);
        return result;
    }

    public static Episode ParseEpisode(JsonElement c)
    {
        var status = Code(c, "clinicalStatus") ?? "active";
        return new Episode(Str(c, "id")!, ConceptText(c, "code") ?? "Onbekend onderwerp", Code(c, "code"),
            status is "active" or "recurrence" or "relapse", Moment(Str(c, "onsetDateTime") ?? Str(c, "recordedDate")), Moment(Str(c, "abatementDateTime")));
    }

    public static Allergy ParseAllergy(JsonElement a)
    {
        var reactions = new List<string>();
        if (a.TryGetProperty("reaction", out var rs) && rs.ValueKind == JsonValueKind.Array)
        {
            foreach (var reaction in rs.EnumerateArray())
            {
                if (reaction.TryGetProperty("manifestation", out var ms) && ms.ValueKind == JsonValueKind.Array)
                {
                    foreach (var m in ms.EnumerateArray())
                    {
                        var text = Str(m, "text") ?? (m.TryGetProperty("coding", out var cs) && cs.ValueKind == JsonValueKind.Array && cs.GetArrayLength() > 0 ? Str(cs[0], "display") : null);
                        if (text is not null)
                            reactions.Add(text);
                    }
                }
            }
        }
        var category = a.TryGetProperty("category", out var cats) && cats.ValueKind == JsonValueKind.Array && cats.GetArrayLength() > 0 ? cats[0].GetString() : null;
        var status = Code(a, "clinicalStatus") ?? "active";
        return new Allergy(Str(a, "id")!, ConceptText(a, "code") ?? "Onbekende stof", category, Str(a, "criticality"), status == "active", reactions,
            Moment(Str(a, "recordedDate") ?? Str(a, "onsetDateTime")));
    }

    public static LabResult ParseLab(JsonElement o)
    {
        string? value = null, unit = null;
        if (o.TryGetProperty("valueQuantity", out var q) && q.ValueKind == JsonValueKind.Object)
        {
            value = q.TryGetProperty("value", out var v) ? v.GetRawText() : null;
            unit = Str(q, "unit") ?? Str(q, "code");
        }
        else if (Str(o, "valueString") is { } s)
        {
            value = s;
        }
        else if (ConceptText(o, "valueCodeableConcept") is { } c)
        {
            value = c;
        }
        string? low = null, high = null;
        if (o.TryGetProperty("referenceRange", out var ranges) && ranges.ValueKind == JsonValueKind.Array && ranges.GetArrayLength() > 0)
        {
            var range = ranges[0];
            low = range.TryGetProperty("low", out var l) && l.TryGetProperty("value", out var lv) ? lv.GetRawText() : null;
            high = range.TryGetProperty("high", out var h) && h.TryGetProperty("value", out var hv) ? hv.GetRawText() : null;
        }
        var flag = Code(o, "interpretation");
        if (flag is null && value is not null && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (low is not null && decimal.TryParse(low, NumberStyles.Float, CultureInfo.InvariantCulture, out var lo) && number < lo)
                flag = "L";
            else if (high is not null && decimal.TryParse(high, NumberStyles.Float, CultureInfo.InvariantCulture, out var hi) && number > hi)
                flag = "H";
        }
        if (o.TryGetProperty("interpretation", out var interps) && interps.ValueKind == JsonValueKind.Array && interps.GetArrayLength() > 0
            && interps[0].TryGetProperty("coding", out var ic) && ic.ValueKind == JsonValueKind.Array && ic.GetArrayLength() > 0)
            flag = Str(ic[0], "code");
        var date = Moment(Str(o, "effectiveDateTime") ?? (o.TryGetProperty("effectivePeriod", out var p) ? Str(p, "start") : null) ?? Str(o, "issued"));
        return new LabResult(Str(o, "id")!, ConceptText(o, "code") ?? "Onbekende bepaling", Code(o, "code"), value, unit, low, high, flag, date);
    }

    public static bool IsRepeatOrder(JsonElement m) => HasCoding(m, "category", OrderCategorySystem, RepeatOrderCode);

    public static Medication ParseMedication(JsonElement m) =>
        new(Str(m, "id")!, MedicineName(m), DosageText(m), Str(m, "status") ?? "unknown",
            Code(m, "courseOfTherapyType", CourseOfTherapySystem) == Continuous, Moment(Str(m, "authoredOn")));

    private static string MedicineName(JsonElement m) =>
        ConceptText(m, "medicationCodeableConcept") ?? (m.TryGetProperty("medicationReference", out var r) ? Str(r, "display") : null) ?? "Onbekend medicijn";

    private static string? DosageText(JsonElement m) =>
        m.TryGetProperty("dosageInstruction", out var d) && d.ValueKind == JsonValueKind.Array && d.GetArrayLength() > 0 ? Str(d[0], "text") : null;

    /// <summary>Splits a record's MedicationRequests into prescriptions and the portal's repeat orders (grouped per order).</summary>
    public static RecordMedication SplitMedication(IEnumerable<JsonElement> requests)
    {
        var medications = new List<Medication>();
        var orderLines = new List<(string Order, string Patient, Instant At, string? Note, RepeatOrderLine Line)>();
        foreach (var m in requests)
        {
            if (!IsRepeatOrder(m))
            {
                if (Str(m, "status") != "entered-in-error")
                    medications.Add(ParseMedication(m));
                continue;
            }
            var order = m.TryGetProperty("groupIdentifier", out var g) ? Str(g, "value") : null;
            var patient = Ref(m, "subject") is { } s && s.StartsWith("Patient/", StringComparison.Ordinal) ? s["Patient/".Length..] : null;
            if (order is null || patient is null)
                continue;
            var at = Moment(Str(m, "authoredOn"))?.Instant ?? Instant.MinValue;
            var note = m.TryGetProperty("note", out var notes) && notes.ValueKind == JsonValueKind.Array && notes.GetArrayLength() > 0 ? Str(notes[0], "text") : null;
            var reason = m.TryGetProperty("statusReason", out var sr) ? Str(sr, "text") : null;
            var version = m.TryGetProperty("meta", out var meta) && Str(meta, "versionId") is { } vid && long.TryParse(vid, CultureInfo.InvariantCulture, out var v) ? v : 1;
            var basedOn = m.TryGetProperty("basedOn", out var bo) && bo.ValueKind == JsonValueKind.Array && bo.GetArrayLength() > 0 ? Str(bo[0], "reference") : null;
            orderLines.Add((order, patient, at, note, new RepeatOrderLine(Str(m, "id")!, version, MedicineName(m),
                basedOn is not null && basedOn.StartsWith("MedicationRequest/", StringComparison.Ordinal) ? basedOn["MedicationRequest/".Length..] : null,
                Str(m, "status") ?? "unknown", reason, m)));
        }
        var orders = orderLines.GroupBy(l => l.Order, StringComparer.Ordinal)
            .Select(g => new RepeatOrder(g.Key, g.First().Patient, g.Min(l => l.At), g.Select(l => l.Note).FirstOrDefault(n => n is not null),
                g.Select(l => l.Line).OrderBy(l => l.Medicine, StringComparer.CurrentCulture).ToList()))
            .OrderByDescending(o => o.OrderedAt).ToList();
        return new RecordMedication(medications.OrderByDescending(m => m.AuthoredOn?.Instant ?? Instant.MinValue).ToList(), orders);
    }

    /// <summary>The medication passport: what was current in the last half year (seed 003, 4.8.3), not only what is current today.</summary>
    public static IReadOnlyList<Medication> Passport(IEnumerable<Medication> medications, LocalDate today)
    {
        var since = today.Minus(LookBack);
        return medications.Where(m => m.Current || (m.AuthoredOn is { } a && a.Day >= since)).ToList();
    }

    /// <summary>Ordering is possible for chronic medication that is still current and not already waiting in an open order.</summary>
    public static bool CanOrder(Medication medication, IEnumerable<RepeatOrder> orders) =>
        medication.Chronic && medication.Current && !OpenOrderFor(medication.Id, orders);

    public static bool OpenOrderFor(string medicationId, IEnumerable<RepeatOrder> orders) =>
        orders.Any(o => o.Lines.Any(l => l.Status == "draft" && l.BasedOn == medicationId));

    // ---- ordering -------------------------------------------------------------------------------

    /// <summary>
    /// Orders repeat prescriptions for chronic medication of the caller's own record or a child's.
    /// <paramref name="requestKey"/> (a value the form generated once) makes a second submission of the
    /// same form return the first order instead of ordering twice.
    /// </summary>
    public async Task<RepeatOrder> OrderAsync(PortalCaller caller, string? patientId, IReadOnlyList<string> medicationIds, string? note, string? requestKey,
        CancellationToken ct)
    {
        var self = caller.PatientId ?? throw RecordErrors.Forbidden("Alleen een patiënt kan herhaalmedicatie bestellen.");
        var subject = await SubjectAsync(caller, patientId, ct);
        var ids = medicationIds.Select(i => i.StartsWith("MedicationRequest/", StringComparison.Ordinal) ? i["MedicationRequest/".Length..] : i)
            .Where(i => !string.IsNullOrWhiteSpace(i)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
            throw RecordErrors.Invalid("Kies minstens één medicijn dat u wilt bestellen.", "medicationIds");
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > MaxNoteLength })
            throw RecordErrors.Invalid($"Uw opmerking mag maximaal {MaxNoteLength} tekens bevatten.", "note");
        if (requestKey is { Length: > 100 })
            throw RecordErrors.Invalid("Ongeldige formuliersleutel.", "requestKey");

        var orderId = requestKey is null
            ? Guid.NewGuid().ToString("N")
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{subject.PatientId}|{requestKey}")))[..32];
        if (ids.Count > MaxLinesPerOrder)
            throw RecordErrors.Invalid($"U kunt maximaal {MaxLinesPerOrder} medicijnen tegelijk bestellen.", "medicationIds");
        var requests = (await OfPatientsAsync(caller, MedicationRequest, [subject.PatientId], null, ct))[subject.PatientId];
        var record = SplitMedication(requests);
        if (record.Orders.FirstOrDefault(o => o.Id == orderId) is { } earlier)
            return earlier;

        var byId = record.Medications.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var chosen = new List<(Medication Medication, JsonElement Resource)>();
        var all = requests.Where(m => !IsRepeatOrder(m)).ToDictionary(m => Str(m, "id")!, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!byId.TryGetValue(id, out var medication))
                throw RecordErrors.Invalid("Dit medicijn staat niet in uw medicatieoverzicht.", "medicationIds");
            if (!medication.Chronic)
                throw RecordErrors.Rule(RecordErrors.NotRepeatable,
                    $"{medication.Name} is geen herhaalmedicatie. Via het portaal kunt u alleen medicijnen bestellen die u altijd gebruikt (chronische medicatie). Neem voor andere medicijnen contact op met de praktijk.",
                    "medicationIds");
            if (!medication.Current)
                throw RecordErrors.Rule(RecordErrors.NotRepeatable,
                    $"{medication.Name} gebruikt u volgens uw dossier niet meer. Neem contact op met de praktijk als u het toch nodig heeft.", "medicationIds");
            if (OpenOrderFor(id, record.Orders))
                throw RecordErrors.Rule(RecordErrors.AlreadyOrdered,
                    $"U heeft {medication.Name} al besteld. De praktijk behandelt uw bestelling nog.", "medicationIds");
            chosen.Add((medication, all[id]));
        }

        var now = Now();
        var authored = now.ToDateTimeUtc().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var lines = new List<(string Id, ValidatedResource Resource)>();
        // A validated resource points into its document: they stay alive until the write is done.
        using var documents = new Documents();
        for (var i = 0; i < chosen.Count; i++)
        {
            var (medication, source) = chosen[i];
            var json = new JsonObject
            {
                ["resourceType"] = MedicationRequest,
                ["status"] = "draft",
                ["intent"] = "order",
                ["category"] = new JsonArray(new JsonObject
                {
                    ["coding"] = new JsonArray(new JsonObject { ["system"] = OrderCategorySystem, ["code"] = RepeatOrderCode, ["display"] = "Herhaalrecept aangevraagd via het portaal" }),
                }),
                ["medicationCodeableConcept"] = source.TryGetProperty("medicationCodeableConcept", out var mc)
                    ? JsonNode.Parse(mc.GetRawText()) : new JsonObject { ["text"] = medication.Name },
                ["subject"] = new JsonObject { ["reference"] = $"Patient/{subject.PatientId}" },
                ["authoredOn"] = authored,
                ["requester"] = new JsonObject { ["reference"] = $"Patient/{self}" },
                ["basedOn"] = new JsonArray(new JsonObject { ["reference"] = $"MedicationRequest/{medication.Id}" }),
                ["groupIdentifier"] = new JsonObject { ["system"] = OrderSystem, ["value"] = orderId },
            };
            if (source.TryGetProperty("dosageInstruction", out var dosage))
                json["dosageInstruction"] = JsonNode.Parse(dosage.GetRawText());
            if (note is not null)
                json["note"] = new JsonArray(new JsonObject { ["text"] = note });
            var doc = JsonDocument.Parse(json.ToJsonString());
            documents.Add(doc);
            try
            {
                await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Create, MedicationRequest, null, null, doc.RootElement, PortalRules: true), ct);
                lines.Add((LineId(orderId, i), resources.Validate(doc.RootElement, MedicationRequest)));
            }
            catch (FhirException e)
            {
                throw RecordErrors.Translate(e);
            }
        }
        // All medicines of the order in one transaction; a resubmission that raced this one finds its lines and writes nothing.
        await store.WriteAsync(session =>
        {
            foreach (var (id, resource) in lines)
            {
                if (session.ReadCurrent(MedicationRequest, id) is not { IsDeleted: false })
                    resources.PutIn(session, resource, id, ifMatch: null, method: "POST");
            }
            return lines.Count;
        }, ct);
        var after = SplitMedication((await OfPatientsAsync(caller, MedicationRequest, [subject.PatientId], RepeatOrderQuery, ct))[subject.PatientId]);
        return after.Orders.First(o => o.Id == orderId);
    }

    // ---- the practice: open orders, approve, reject --------------------------------------------

    /// <summary>Staff: repeat orders of the practice's patients, open ones (oldest first) or handled ones (newest first).</summary>
    public async Task<IReadOnlyList<RepeatOrder>> PracticeOrdersAsync(PortalCaller caller, bool open, CancellationToken ct)
    {
        caller.RequireStaff();
        CompartmentRestriction restriction;
        try
        {
            restriction = await policy.GetSearchRestrictionAsync(caller.Principal, MedicationRequest, ct);
        }
        catch (FhirException e)
        {
            throw RecordErrors.Translate(e);
        }
        var found = await SearchAsync(MedicationRequest, $"{RepeatOrderQuery}&status={(open ? "draft" : "active,cancelled,stopped")}&_count={MaxResults}", ct);
        var patients = found.Select(m => Ref(m, "subject")).OfType<string>().Where(s => s.StartsWith("Patient/", StringComparison.Ordinal))
            .Select(s => s["Patient/".Length..]).Distinct(StringComparer.Ordinal).ToList();
        var practiceOf = await PracticesAsync(patients, ct);
        var mine = found.Where(m => Ref(m, "subject") is { } s && s.StartsWith("Patient/", StringComparison.Ordinal)
            && practiceOf.TryGetValue(s["Patient/".Length..], out var org) && org == restriction.OrganizationId).ToList();
        var orders = SplitMedication(mine).Orders;
        var records = orders.SelectMany(o => o.Lines.Select(l => new FhirAccessRecord(FhirInteraction.Search, MedicationRequest, l.Id, [o.PatientId]))).ToList();
        if (records.Count > 0)
            await policy.RecordAsync(caller.Principal, records, ct);
        return open ? orders.OrderBy(o => o.OrderedAt).ToList() : orders;
    }

    /// <summary>The practice (Organization id) of each patient, in one search.</summary>
    private async Task<Dictionary<string, string?>> PracticesAsync(IReadOnlyList<string> patients, CancellationToken ct)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (patients.Count == 0)
            return result;
        foreach (var patient in await SearchAsync("Patient", $"_id={string.Join(',', patients.Select(Uri.EscapeDataString))}&_count={MaxResults}", ct))
        {
            var org = Ref(patient, "managingOrganization");
            result[Str(patient, "id")!] = org is not null && org.StartsWith("Organization/", StringComparison.Ordinal) ? org["Organization/".Length..] : null;
        }
        return result;
    }

    /// <summary>Staff: one repeat order of the practice.</summary>
    public async Task<RepeatOrder> PracticeOrderAsync(PortalCaller caller, string orderId, CancellationToken ct)
    {
        caller.RequireStaff();
        try
        {
            policy.CheckInteraction(caller.Principal, FhirInteraction.Search, MedicationRequest);
        }
        catch (FhirException e)
        {
            throw RecordErrors.Translate(e);
        }
        if (orderId.Length != 32 || !orderId.All(char.IsAsciiHexDigitLower))
            throw RecordErrors.NotFound();
        var lineIds = string.Join(',', Enumerable.Range(0, MaxLinesPerOrder).Select(i => LineId(orderId, i)));
        var found = await SearchAsync(MedicationRequest, $"_id={lineIds}&{RepeatOrderQuery}&_count={MaxResults}", ct);
        var order = SplitMedication(found).Orders.FirstOrDefault(o => o.Id == orderId) ?? throw RecordErrors.NotFound();
        foreach (var line in order.Lines)
        {
            try
            {
                await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Read, MedicationRequest, line.Id, line.Resource), ct);
            }
            catch (FhirException e) when (e.Status == 403)
            {
                throw RecordErrors.NotFound();
            }
            catch (FhirException e)
            {
                throw RecordErrors.Translate(e);
            }
        }
        return order;
    }

    /// <summary>
    /// Staff: approve (every open medicine becomes an active prescription) or reject (cancelled, with a
    /// Dutch reason for the patient) an open order; the patient gets one system message about it.
    /// </summary>
    public async Task<RepeatOrder> HandleAsync(PortalCaller caller, string orderId, bool approve, string? reason, CancellationToken ct)
    {
        var practitioner = caller.RequireStaff();
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (!approve && reason is null)
            throw RecordErrors.Invalid("Vul de reden in die de patiënt te zien krijgt.", "reason");
        if (reason is { Length: > MaxReasonLength })
            throw RecordErrors.Invalid($"De reden mag maximaal {MaxReasonLength} tekens bevatten.", "reason");
        var order = await PracticeOrderAsync(caller, orderId, ct);
        if (order.Status != "OPEN")
            throw RecordErrors.Rule(RecordErrors.AlreadyHandled, "Deze bestelling is al behandeld.");
        var updates = new List<(RepeatOrderLine Line, ValidatedResource Resource)>();
        using var documents = new Documents();
        foreach (var line in order.Lines.Where(l => l.Status == "draft"))
        {
            var json = JsonNode.Parse(line.Resource.GetRawText())!.AsObject();
            json["status"] = approve ? "active" : "cancelled";
            json["recorder"] = new JsonObject { ["reference"] = practitioner };
            if (!approve)
                json["statusReason"] = new JsonObject { ["text"] = reason };
            var doc = JsonDocument.Parse(json.ToJsonString());
            documents.Add(doc);
            try
            {
                await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Update, MedicationRequest, line.Id, line.Resource, doc.RootElement, PortalRules: true), ct);
                updates.Add((line, resources.Validate(doc.RootElement, MedicationRequest)));
            }
            catch (FhirException e)
            {
                throw RecordErrors.Translate(e);
            }
        }
        try
        {
            await store.WriteAsync(session =>
            {
                foreach (var (line, resource) in updates)
                    resources.PutIn(session, resource, line.Id, ifMatch: line.Version);
                return updates.Count;
            }, ct);
        }
        catch (FhirException e) when (e.Status == 412)
        {
            throw RecordErrors.Rule(RecordErrors.AlreadyHandled, "Deze bestelling is intussen al behandeld.");
        }
        var handled = await PracticeOrderAsync(caller, orderId, ct);
        await orderMessages.PostAsync(handled, ct);
        return handled;
    }

    private async Task<List<JsonElement>> SearchAsync(string type, string query, CancellationToken ct)
    {
        try
        {
            return await search.MatchesAsync(type, query, ct);
        }
        catch (FhirException e)
        {
            throw RecordErrors.Translate(e);
        }
    }
}

/// <summary>Documents that must outlive the validated resources read from them.</summary>
internal sealed class Documents : List<JsonDocument>, IDisposable
{
    public void Dispose()
    {
        foreach (var document in this)
            document.Dispose();
    }
}

/// <summary>Errors of Mijn dossier and Mijn medicijnen: a Dutch message and a stable extensions.code.</summary>
public static class RecordErrors
{
    public const string NotRepeatable = "NOT_REPEATABLE";
    public const string AlreadyOrdered = "ALREADY_ORDERED";
    public const string AlreadyHandled = "ALREADY_HANDLED";

    public static GraphQLException Forbidden(string message = "U heeft geen toegang tot dit dossier.") => new(message, MessagingErrors.ForbiddenCode);

    public static GraphQLException NotFound() => new("Deze bestelling bestaat niet (meer).", MessagingErrors.NotFoundCode);

    public static GraphQLException Invalid(string message, string? field = null) => MessagingErrors.Invalid(message, field);

    public static GraphQLException Rule(string code, string message, string? field = null)
    {
        var error = new GraphQLException(message, code);
        if (field is not null)
            error.Extensions["field"] = field;
        return error;
    }

    public static Exception Translate(FhirException e) => e.Status switch
    {
        401 => MessagingErrors.Unauthenticated(),
        403 => Forbidden(),
        404 or 410 => new GraphQLException("Dit gegeven bestaat niet (meer).", MessagingErrors.NotFoundCode),
        _ => Invalid("Dit kon niet worden opgeslagen: " + string.Join(" ", e.Issues.Select(i => i.Diagnostics))),
    };
}
