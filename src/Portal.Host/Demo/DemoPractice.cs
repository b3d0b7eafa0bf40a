using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Store;
using Graph.Api.Appointments;
using Graph.Api.Appointments.Storage;
using Graph.Api.Calendar;
using Microsoft.Extensions.Options;
using NodaTime;
using Portal.Host.Configuration;

namespace Portal.Host.Demo;

/// <summary>
/// The demo practice "Huisartsenpraktijk De Linde": staff, schedules with free slots, and Dutch demo
/// patients with a record. Written as FHIR resources through the resource service (the one write
/// path), once: an existing practice Organization means the demo is already there.
/// </summary>
public sealed class DemoPractice(
    ResourceService resources,
    IResourceStore store,
    AppointmentDb appointments,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoPractice> logger)
{
    public const string OrganizationId = "praktijk-de-linde";
    public const string AgbSystem = "http://fhir.nl/fhir/NamingSystem/agb-z";
    public const string BsnSystem = "http://fhir.nl/fhir/NamingSystem/bsn";
    public const string EmployeeIdSystem = "https://fhir.huisartsportaal.nl/NamingSystem/medewerker-id";

    public sealed record Staff(string Id, string Given, string Family, string Prefix, string Gender, string Role, string RoleDisplay, string EmployeeId, string? Agb);

    public sealed record DemoPatient(string Id, string Bsn, string Given, string Family, string Gender, LocalDate BirthDate, string GpId);

    public static readonly Staff[] Practitioners =
    [
        new("huisarts-de-vries", "Anna", "Vries", "de", "female", "huisarts", "Huisarts", "MW-1001", "01004567"),
        new("huisarts-jansen", "Bram", "Jansen", "", "male", "huisarts", "Huisarts", "MW-1002", "01004568"),
        new("huisarts-bakker", "Claire", "Bakker", "", "female", "huisarts", "Huisarts", "MW-1003", "01004569"),
        new("poh-visser", "Petra", "Visser", "", "female", "poh", "Praktijkondersteuner", "MW-1004", null),
        new("assistent-de-boer", "Sanne", "Boer", "de", "female", "assistent", "Doktersassistent", "MW-1005", null),
        new("assistent-mulder", "Lotte", "Mulder", "", "female", "assistent", "Doktersassistent", "MW-1006", null),
    ];

    public const string AssistantsGroupRoleId = "groep-de-assistentes";

    public IReadOnlyList<DemoPatient> Patients(LocalDate today) =>
    [
        new("patient-emma-de-jong", "908301662", "Emma", "de Jong", "female", new LocalDate(1986, 4, 12), "huisarts-de-vries"),
        new("patient-sophie-de-jong", "131860914", "Sophie", "de Jong", "female", today.PlusYears(-10).PlusMonths(-4), "huisarts-de-vries"),
        new("patient-daan-de-jong", "390996038", "Daan", "de Jong", "male", today.PlusYears(-14).PlusMonths(-7), "huisarts-de-vries"),
        new("patient-pieter-van-den-berg", "948219932", "Pieter", "van den Berg", "male", new LocalDate(1952, 9, 30), "huisarts-jansen"),
        new("patient-fatima-el-amrani", "518190936", "Fatima", "El Amrani", "female", new LocalDate(1990, 1, 15), "huisarts-bakker"),
        new("patient-willem-bos", "786579754", "Willem", "Bos", "male", new LocalDate(1978, 6, 2), "huisarts-jansen"),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        var existing = await store.ReadAsync("Organization", OrganizationId, ct);
        if (existing is { IsDeleted: false })
        {
            // A demo database from before online appointments existed gets their settings once.
            if (appointments.Rules(OrganizationId).Agendas.Count == 0)
                SeedAppointmentSettings();
            logger.LogInformation("Demo practice already present; not seeding again");
            return;
        }
        var clock = new TimeProviderClock(time);
        var today = DutchCalendar.Today(clock);
        logger.LogInformation("Seeding the demo practice (slots for {Days} days)...", options.Value.SlotDays);

        await Put("Organization", OrganizationId, Organization());
        foreach (var staff in Practitioners)
        {
            await Put("Practitioner", staff.Id, Practitioner(staff));
            await Put("PractitionerRole", $"rol-{staff.Id}", PractitionerRole(staff));
        }
        await Put("PractitionerRole", AssistantsGroupRoleId, AssistantsGroup());

        var slots = 0;
        foreach (var staff in Practitioners.Where(s => s.Role is "huisarts" or "poh"))
            slots += await SeedSchedule(staff.Id, $"rol-{staff.Id}", staff.Role == "poh" ? 20 : 10, today, staff.Role == "poh");
        slots += await SeedSchedule(null, AssistantsGroupRoleId, 10, today, pohDays: false);

        SeedAppointmentSettings();

        var patients = Patients(today);
        foreach (var p in patients)
            await Put("Patient", p.Id, Patient(p));
        await SeedRecords(patients, today);
        logger.LogInformation("Demo practice seeded: {Staff} staff, {Patients} patients, {Slots} free slots", Practitioners.Length, patients.Count, slots);
    }

    /// <summary>
    /// Online booking for every agenda (seed 002: open as many agendas as possible) in the consultation
    /// hours the schedules above have; a weekly patient discussion hidden from patients (Thursday
    /// 08:00-08:30 for the GPs) and a half hour bookable online only (Wednesday 16:00-16:30). The
    /// consultation hours also let the nightly job extend the slots to the 100-day horizon.
    /// </summary>
    private void SeedAppointmentSettings()
    {
        var weekdays = new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday };
        void Hours(string scheduleId, IEnumerable<IsoDayOfWeek> days, params (LocalTime From, LocalTime To)[] blocks)
        {
            foreach (var day in days)
            {
                foreach (var (from, to) in blocks)
                {
                    appointments.SaveWindow(OrganizationId, new AgendaWindow("", scheduleId, WindowKind.Spreekuur, day, null, from, to, "Spreekuur"));
                    appointments.SaveWindow(OrganizationId, new AgendaWindow("", scheduleId, WindowKind.Online, day, null, from, to, null));
                }
            }
        }
        foreach (var staff in Practitioners.Where(s => s.Role == "huisarts"))
        {
            var schedule = $"agenda-{staff.Id}";
            appointments.SaveAgenda(new AgendaSetting(schedule, OrganizationId, PractitionerKind.Huisarts, $"Practitioner/{staff.Id}", true, 10));
            Hours(schedule, weekdays, (new LocalTime(8, 0), new LocalTime(12, 0)), (new LocalTime(13, 30), new LocalTime(16, 30)));
            appointments.SaveWindow(OrganizationId, new AgendaWindow("", schedule, WindowKind.Hidden, IsoDayOfWeek.Thursday, null,
                new LocalTime(8, 0), new LocalTime(8, 30), "Patiëntbespreking"));
            appointments.SaveWindow(OrganizationId, new AgendaWindow("", schedule, WindowKind.OnlineOnly, IsoDayOfWeek.Wednesday, null,
                new LocalTime(16, 0), new LocalTime(16, 30), "Alleen online"));
        }
        appointments.SaveAgenda(new AgendaSetting("agenda-poh-visser", OrganizationId, PractitionerKind.Poh, "Practitioner/poh-visser", true, 20));
        Hours("agenda-poh-visser", [IsoDayOfWeek.Monday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday], (new LocalTime(9, 0), new LocalTime(12, 0)));
        appointments.SaveAgenda(new AgendaSetting($"agenda-{AssistantsGroupRoleId}", OrganizationId, PractitionerKind.Assistent,
            $"PractitionerRole/{AssistantsGroupRoleId}", true, 10));
        Hours($"agenda-{AssistantsGroupRoleId}", weekdays, (new LocalTime(8, 0), new LocalTime(10, 0)));
    }

    private async Task<int> SeedSchedule(string? practitionerId, string roleId, int minutes, LocalDate today, bool pohDays)
    {
        var scheduleId = $"agenda-{practitionerId ?? roleId}";
        var actors = new JsonArray();
        if (practitionerId is not null)
            actors.Add(Ref($"Practitioner/{practitionerId}"));
        actors.Add(Ref($"PractitionerRole/{roleId}"));
        var horizonEnd = today.PlusDays(options.Value.SlotDays);
        await Put("Schedule", scheduleId, new JsonObject
        {
            ["resourceType"] = "Schedule",
            ["active"] = true,
            ["actor"] = actors,
            ["planningHorizon"] = new JsonObject { ["start"] = Date(today), ["end"] = Date(horizonEnd) },
            ["comment"] = "Spreekuur",
        });

        var blocks = practitionerId is null
            ? new[] { (new LocalTime(8, 0), new LocalTime(10, 0)) }
            : pohDays
                ? new[] { (new LocalTime(9, 0), new LocalTime(12, 0)) }
                : new[] { (new LocalTime(8, 0), new LocalTime(12, 0)), (new LocalTime(13, 30), new LocalTime(16, 30)) };
        var writes = new List<Task>();
        for (var day = today.PlusDays(1); day < horizonEnd; day = day.PlusDays(1))
        {
            if (!DutchCalendar.Instance.IsWorkingDay(day))
                continue;
            if (pohDays && day.DayOfWeek is not (IsoDayOfWeek.Monday or IsoDayOfWeek.Wednesday or IsoDayOfWeek.Thursday))
                continue;
            foreach (var (from, until) in blocks)
            {
                for (var t = from; t.PlusMinutes(minutes) <= until; t = t.PlusMinutes(minutes))
                {
                    var start = DutchCalendar.ToInstant(day.At(t));
                    var end = DutchCalendar.ToInstant(day.At(t.PlusMinutes(minutes)));
                    var id = $"slot-{practitionerId ?? roleId}-{day:yyyyMMdd}-{t:HHmm}";
                    writes.Add(Put("Slot", id, new JsonObject
                    {
                        ["resourceType"] = "Slot",
                        ["schedule"] = Ref($"Schedule/{scheduleId}"),
                        ["status"] = "free",
                        ["start"] = FhirInstant(start),
                        ["end"] = FhirInstant(end),
                    }));
                }
            }
        }
        await Task.WhenAll(writes);
        return writes.Count;
    }

    private async Task SeedRecords(IReadOnlyList<DemoPatient> patients, LocalDate today)
    {
        var emma = patients[0];
        foreach (var child in patients.Skip(1).Take(2))
        {
            await Put("RelatedPerson", $"ouder-{emma.Id}-van-{child.Id}", new JsonObject
            {
                ["resourceType"] = "RelatedPerson",
                ["active"] = true,
                ["patient"] = Ref($"Patient/{child.Id}"),
                ["identifier"] = new JsonArray(Identifier(BsnSystem, emma.Bsn)),
                ["relationship"] = new JsonArray(new JsonObject
                {
                    ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH", "mother")),
                    ["text"] = "Moeder (gezaghebbende ouder)",
                }),
                ["name"] = new JsonArray(new JsonObject { ["family"] = emma.Family, ["given"] = new JsonArray(emma.Given) }),
                ["gender"] = emma.Gender,
            });
        }

        var pieter = patients[3];
        var fatima = patients[4];
        var willem = patients[5];
        await Condition(pieter, "cond-pieter-dm2", "T90.02", "Diabetes mellitus type 2", today.PlusYears(-8), active: true);
        await Condition(pieter, "cond-pieter-ht", "K86", "Hypertensie zonder orgaanbeschadiging", today.PlusYears(-11), active: true);
        await Condition(fatima, "cond-fatima-rug", "L03", "Lage rugpijn zonder uitstraling", today.PlusMonths(-2), active: false);
        await Condition(willem, "cond-willem-astma", "R96", "Astma", today.PlusYears(-20), active: true);
        await Condition(patients[2], "cond-daan-enkel", "L77", "Verstuiking/distorsie enkel", today.PlusMonths(-5), active: false);
        await Condition(emma, "cond-emma-migraine", "N89", "Migraine", today.PlusYears(-6), active: true);

        await Put("AllergyIntolerance", "allergie-fatima-penicilline", new JsonObject
        {
            ["resourceType"] = "AllergyIntolerance",
            ["clinicalStatus"] = Concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"),
            ["verificationStatus"] = Concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", "Confirmed"),
            ["type"] = "allergy",
            ["category"] = new JsonArray("medication"),
            ["criticality"] = "high",
            ["code"] = Concept("http://snomed.info/sct", "373270004", "Penicillin -class of antibiotic- (substance)", "Penicilline"),
            ["patient"] = Ref($"Patient/{fatima.Id}"),
            ["recordedDate"] = Date(today.PlusYears(-3)),
            ["reaction"] = new JsonArray(new JsonObject
            {
                ["manifestation"] = new JsonArray(Concept("http://snomed.info/sct", "271807003", "Eruption of skin (disorder)", "Huiduitslag")),
            }),
        });
        await Put("AllergyIntolerance", "allergie-willem-huisstofmijt", new JsonObject
        {
            ["resourceType"] = "AllergyIntolerance",
            ["clinicalStatus"] = Concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"),
            ["type"] = "allergy",
            ["category"] = new JsonArray("environment"),
            ["code"] = Concept("http://snomed.info/sct", "260147004", "House dust mite (organism)", "Huisstofmijt"),
            ["patient"] = Ref($"Patient/{willem.Id}"),
        });

        await Medication(pieter, "med-pieter-metformine", "Metformine 500 mg tablet", "2 keer per dag 1 tablet bij de maaltijd", chronic: true, today.PlusYears(-8));
        await Medication(pieter, "med-pieter-amlodipine", "Amlodipine 5 mg tablet", "1 keer per dag 1 tablet", chronic: true, today.PlusYears(-11));
        await Medication(willem, "med-willem-salbutamol", "Salbutamol 100 microgram/dosis aerosol", "Zo nodig 1-2 inhalaties, maximaal 8 per dag", chronic: true, today.PlusYears(-5));
        await Medication(fatima, "med-fatima-diclofenac", "Diclofenac 50 mg tablet", "3 keer per dag 1 tablet, maximaal 7 dagen", chronic: false, today.PlusMonths(-2));
        await Medication(emma, "med-emma-sumatriptan", "Sumatriptan 50 mg tablet", "Bij migraine 1 tablet, zo nodig na 2 uur herhalen", chronic: true, today.PlusYears(-2));

        await Lab(pieter, "lab-pieter-hba1c-1", "59261-8", "HbA1c", "53", "mmol/mol", today.PlusMonths(-6), low: null, high: "53");
        await Lab(pieter, "lab-pieter-hba1c-2", "59261-8", "HbA1c", "49", "mmol/mol", today.PlusDays(-12), low: null, high: "53");
        await Lab(pieter, "lab-pieter-glucose", "14749-6", "Glucose nuchter", "7.4", "mmol/L", today.PlusDays(-12), low: "4.0", high: "6.1");
        await Lab(pieter, "lab-pieter-egfr", "62238-1", "eGFR (CKD-EPI)", "64", "mL/min/{1.73_m2}", today.PlusDays(-12), low: "60", high: null);
        await Lab(pieter, "lab-pieter-chol", "2093-3", "Cholesterol totaal", "4.80", "mmol/L", today.PlusDays(-12), low: null, high: "5.0");
        await Lab(fatima, "lab-fatima-hb", "718-7", "Hemoglobine", "7.9", "mmol/L", today.PlusMonths(-1), low: "7.5", high: "10.0");
        await Lab(emma, "lab-emma-tsh", "3016-3", "TSH", "2.1", "mU/L", today.PlusMonths(-3), low: "0.4", high: "4.0");
    }

    private Task Condition(DemoPatient patient, string id, string icpc, string display, LocalDate onset, bool active) =>
        Put("Condition", id, new JsonObject
        {
            ["resourceType"] = "Condition",
            ["clinicalStatus"] = Concept("http://terminology.hl7.org/CodeSystem/condition-clinical", active ? "active" : "resolved", active ? "Active" : "Resolved"),
            ["verificationStatus"] = Concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed"),
            ["category"] = new JsonArray(Concept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item", "Episode")),
            ["code"] = Concept("http://hl7.org/fhir/sid/icpc-1-nl", icpc, display, display),
            ["subject"] = Ref($"Patient/{patient.Id}"),
            ["onsetDateTime"] = Date(onset),
            ["recordedDate"] = Date(onset),
        });

    private Task Medication(DemoPatient patient, string id, string name, string dosage, bool chronic, LocalDate authored) =>
        Put("MedicationRequest", id, new JsonObject
        {
            ["resourceType"] = "MedicationRequest",
            ["status"] = chronic ? "active" : "completed",
            ["intent"] = "order",
            ["medicationCodeableConcept"] = new JsonObject { ["text"] = name },
            ["subject"] = Ref($"Patient/{patient.Id}"),
            ["authoredOn"] = Date(authored),
            ["requester"] = Ref($"Practitioner/{patient.GpId}"),
            ["courseOfTherapyType"] = Concept("http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy",
                chronic ? "continuous" : "acute", chronic ? "Continuous long term therapy" : "Short course (acute) therapy",
                chronic ? "Chronisch" : "Eenmalig"),
            ["dosageInstruction"] = new JsonArray(new JsonObject { ["text"] = dosage }),
        });

    private Task Lab(DemoPatient patient, string id, string loinc, string name, string value, string unit, LocalDate date, string? low, string? high)
    {
        var range = new JsonObject();
        if (low is not null)
            range["low"] = Quantity(low, unit);
        if (high is not null)
            range["high"] = Quantity(high, unit);
        return Put("Observation", id, new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = "final",
            ["category"] = new JsonArray(Concept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory", "Laboratorium")),
            ["code"] = Concept("http://loinc.org", loinc, name, name),
            ["subject"] = Ref($"Patient/{patient.Id}"),
            ["effectiveDateTime"] = FhirInstant(DutchCalendar.ToInstant(date.At(new LocalTime(8, 30)))),
            ["issued"] = FhirInstant(DutchCalendar.ToInstant(date.At(new LocalTime(14, 0)))),
            ["performer"] = new JsonArray(Ref($"Practitioner/{patient.GpId}")),
            ["valueQuantity"] = Quantity(value, unit),
            ["referenceRange"] = new JsonArray(range),
        });
    }

    private static JsonObject Organization() => new()
    {
        ["resourceType"] = "Organization",
        ["identifier"] = new JsonArray(Identifier(AgbSystem, "01012345")),
        ["active"] = true,
        ["type"] = new JsonArray(Concept("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider", "Huisartsenpraktijk")),
        ["name"] = "Huisartsenpraktijk De Linde",
        ["telecom"] = new JsonArray(
            new JsonObject { ["system"] = "phone", ["value"] = "030-1234567", ["use"] = "work" },
            new JsonObject { ["system"] = "email", ["value"] = "info@praktijkdelinde.nl", ["use"] = "work" }),
        ["address"] = new JsonArray(new JsonObject
        {
            ["use"] = "work",
            ["line"] = new JsonArray("Lindelaan 12"),
            ["city"] = "Utrecht",
            ["postalCode"] = "3521 AB",
            ["country"] = "NL",
        }),
    };

    private static JsonObject Practitioner(Staff s)
    {
        var identifiers = new JsonArray(Identifier(EmployeeIdSystem, s.EmployeeId));
        if (s.Agb is not null)
            identifiers.Add(Identifier(AgbSystem, s.Agb));
        var name = new JsonObject
        {
            ["use"] = "official",
            ["text"] = $"{s.Given} {(s.Prefix.Length > 0 ? s.Prefix + " " : "")}{s.Family}",
            ["family"] = (s.Prefix.Length > 0 ? s.Prefix + " " : "") + s.Family,
            ["given"] = new JsonArray(s.Given),
        };
        if (s.Role == "huisarts")
            name["prefix"] = new JsonArray("dr.");
        return new JsonObject
        {
            ["resourceType"] = "Practitioner",
            ["identifier"] = identifiers,
            ["active"] = true,
            ["name"] = new JsonArray(name),
            ["gender"] = s.Gender,
        };
    }

    private static JsonObject PractitionerRole(Staff s) => new()
    {
        ["resourceType"] = "PractitionerRole",
        ["active"] = true,
        ["practitioner"] = Ref($"Practitioner/{s.Id}"),
        ["organization"] = Ref($"Organization/{OrganizationId}"),
        ["code"] = new JsonArray(RoleConcept(s.Role, s.RoleDisplay)),
    };

    private static JsonObject AssistantsGroup() => new()
    {
        ["resourceType"] = "PractitionerRole",
        ["active"] = true,
        ["organization"] = Ref($"Organization/{OrganizationId}"),
        ["code"] = new JsonArray(RoleConcept("assistent", "De assistentes")),
        ["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = "030-1234567", ["use"] = "work" }),
    };

    private static JsonObject RoleConcept(string code, string text) => new()
    {
        ["coding"] = new JsonArray(Coding("https://fhir.huisartsportaal.nl/CodeSystem/praktijkrol", code, text)),
        ["text"] = text,
    };

    private static JsonObject Patient(DemoPatient p)
    {
        var parts = p.Family.Split(' ');
        var prefix = parts.Length > 1 ? string.Join(' ', parts[..^1]) : null;
        var family = new JsonObject
        {
            ["use"] = "official",
            ["text"] = $"{p.Given} {p.Family}",
            ["family"] = p.Family,
            ["given"] = new JsonArray(p.Given),
        };
        if (prefix is not null)
        {
            // The Dutch voorvoegsel as the spec's HumanName extension (http://hl7.org/fhir/StructureDefinition/humanname-own-prefix).
            family["_family"] = new JsonObject
            {
                ["extension"] = new JsonArray(
                    new JsonObject { ["url"] = "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix", ["valueString"] = prefix },
                    new JsonObject { ["url"] = "http://hl7.org/fhir/StructureDefinition/humanname-own-name", ["valueString"] = parts[^1] }),
            };
        }
        var slug = p.Given.ToLowerInvariant() + "." + p.Family.Replace(" ", "").ToLowerInvariant();
        return new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray(Identifier(BsnSystem, p.Bsn)),
            ["active"] = true,
            ["name"] = new JsonArray(family),
            ["telecom"] = new JsonArray(
                new JsonObject { ["system"] = "email", ["value"] = $"{slug}@example.nl", ["use"] = "home" },
                new JsonObject { ["system"] = "phone", ["value"] = "06-12345678", ["use"] = "mobile" }),
            ["gender"] = p.Gender,
            ["birthDate"] = Date(p.BirthDate),
            ["address"] = new JsonArray(new JsonObject
            {
                ["use"] = "home",
                ["line"] = new JsonArray("Kastanjelaan 4"),
                ["city"] = "Utrecht",
                ["postalCode"] = "3522 CD",
                ["country"] = "NL",
            }),
            ["generalPractitioner"] = new JsonArray(Ref($"Practitioner/{p.GpId}")),
            ["managingOrganization"] = Ref($"Organization/{OrganizationId}"),
        };
    }

    private async Task Put(string type, string id, JsonObject resource)
    {
        resource["id"] = id;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(resource);
        await resources.UpdateAsync(type, id, JsonDocument.Parse(bytes), ifMatch: null);
    }

    private static JsonObject Ref(string reference) => new() { ["reference"] = reference };

    private static JsonObject Identifier(string system, string value) => new() { ["system"] = system, ["value"] = value };

    private static JsonObject Coding(string system, string code, string display) =>
        new() { ["system"] = system, ["code"] = code, ["display"] = display };

    private static JsonObject Concept(string system, string code, string display, string? text = null)
    {
        var concept = new JsonObject { ["coding"] = new JsonArray(Coding(system, code, display)) };
        if (text is not null)
            concept["text"] = text;
        return concept;
    }

    private static JsonObject Quantity(string value, string unit) => new()
    {
        ["value"] = JsonNode.Parse(value),
        ["unit"] = unit,
        ["system"] = "http://unitsofmeasure.org",
        ["code"] = unit,
    };

    private static string Date(LocalDate date) => date.ToString("yyyy-MM-dd", null);

    private static string FhirInstant(Instant instant) => instant.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    /// <summary>NodaTime's clock over the host's TimeProvider, so tests can move time.</summary>
    private sealed class TimeProviderClock(TimeProvider provider) : IClock
    {
        public Instant GetCurrentInstant() => NodaTime.Instant.FromDateTimeOffset(provider.GetUtcNow());
    }
}
