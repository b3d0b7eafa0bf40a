using System.Text.Json.Nodes;

namespace Fhir.Load;

/// <summary>
/// A deterministic Dutch practice mix: per patient ~30 resources (lab Observations, MedicationRequests,
/// Conditions, Appointments, Communications), as transaction bundles with urn:uuid references.
/// </summary>
public sealed class DataSet(int seed)
{
    private static readonly string[] Given = ["Jan", "Emma", "Daan", "Sophie", "Lucas", "Julia", "Sem", "Tess", "Milan", "Anna", "Noah", "Lotte", "Finn", "Eva", "Bram", "Sanne", "Pieter", "Fatima", "Mohammed", "Zoë"];
    private static readonly string[] Family = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "El Amrani"];
    private static readonly (string Code, string Name, string Unit, double Low, double High)[] Labs =
    [
        ("59261-8", "HbA1c", "mmol/mol", 30, 70), ("14749-6", "Glucose nuchter", "mmol/L", 4, 9), ("2093-3", "Cholesterol totaal", "mmol/L", 3, 7),
        ("718-7", "Hemoglobine", "mmol/L", 6.5, 10.5), ("62238-1", "eGFR", "mL/min/{1.73_m2}", 40, 110), ("3016-3", "TSH", "mU/L", 0.3, 5),
    ];
    private static readonly (string Code, string Name)[] Episodes =
    [
        ("T90.02", "Diabetes mellitus type 2"), ("K86", "Hypertensie"), ("R96", "Astma"), ("L03", "Lage rugpijn"), ("N89", "Migraine"), ("P76", "Depressie"), ("R74", "Acute infectie bovenste luchtwegen"),
    ];
    private static readonly string[] Medicines = ["Metformine 500 mg tablet", "Amlodipine 5 mg tablet", "Salbutamol 100 microgram/dosis", "Omeprazol 20 mg capsule", "Simvastatine 40 mg tablet", "Paracetamol 500 mg tablet"];
    /// <summary>
    /// Patients per GP: a Dutch GP (normpraktijk) has about 2,100 patients, so the data set grows by adding
    /// GPs, not by giving the same few GPs more patients. A GP's agenda (about 20 appointments a day) and
    /// open e-consults stay the same size from 10,000 to 100,000 patients, as in real practices.
    /// </summary>
    public const int PatientsPerGp = 2_000;

    /// <summary>The GP of the patient with this index (Practitioner ids made by <see cref="GpResource"/>).</summary>
    public static string GpOf(int index) => GpId(index / PatientsPerGp);

    public static string GpId(int gp) => $"bench-huisarts-{gp}";

    /// <summary>How many GPs the patients 0..patients-1 have.</summary>
    public static int GpCount(int patients) => (patients + PatientsPerGp - 1) / PatientsPerGp;

    public static JsonObject GpResource(int gp) => new()
    {
        ["resourceType"] = "Practitioner",
        ["id"] = GpId(gp),
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://fhir.nl/fhir/NamingSystem/agb-z", ["value"] = (1_990_0000 + gp).ToString("D8") }),
        ["name"] = new JsonArray(new JsonObject { ["family"] = Family[gp % Family.Length], ["given"] = new JsonArray(Given[gp % Given.Length]), ["prefix"] = new JsonArray("dr.") }),
    };

    private readonly Random _random = new(seed);

    public int ResourcesPerPatient => 1 + 12 + 6 + 4 + 4 + 4;

    /// <summary>
    /// A patient's BSN: 9 digits passing the 11-proef, unique per index (up to 44 million). The first eight
    /// digits are 10,000,000 + 2 × index, or one more when that has no valid check digit: adding 1 to an
    /// even last digit raises the weighted sum by 2, so one of the two always has one, and odd bodies
    /// never collide with another index's even one.
    /// </summary>
    public static string Bsn(int index)
    {
        for (var odd = 0; ; odd++)
        {
            var body = (10_000_000L + 2L * index + odd).ToString("D8");
            var sum = 0;
            for (var i = 0; i < 8; i++)
                sum += (9 - i) * (body[i] - '0');
            var check = sum % 11;
            if (check < 10)
                return body + check;
        }
    }

    public JsonObject Bundle(int firstPatient, int patients)
    {
        var entries = new JsonArray();
        for (var p = firstPatient; p < firstPatient + patients; p++)
            AddPatient(entries, p);
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
    }

    private void AddPatient(JsonArray entries, int index)
    {
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var gp = GpOf(index);
        var birth = new DateOnly(1940, 1, 1).AddDays(_random.Next(0, 80 * 365));
        Add(entries, patientUrl, new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://fhir.nl/fhir/NamingSystem/bsn", ["value"] = Bsn(index) }),
            ["name"] = new JsonArray(new JsonObject { ["family"] = Family[_random.Next(Family.Length)], ["given"] = new JsonArray(Given[_random.Next(Given.Length)]) }),
            ["gender"] = _random.Next(2) == 0 ? "female" : "male",
            ["birthDate"] = birth.ToString("yyyy-MM-dd"),
            ["generalPractitioner"] = new JsonArray(Ref($"Practitioner/{gp}")),
        });
        var now = DateTime.UtcNow;
        for (var i = 0; i < 12; i++)
        {
            var lab = Labs[_random.Next(Labs.Length)];
            var value = Math.Round(lab.Low + _random.NextDouble() * (lab.High - lab.Low), 1);
            Add(entries, null, new JsonObject
            {
                ["resourceType"] = "Observation",
                ["status"] = "final",
                ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")) }),
                ["code"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://loinc.org", lab.Code)), ["text"] = lab.Name },
                ["subject"] = Ref(patientUrl),
                ["effectiveDateTime"] = now.AddDays(-_random.Next(0, 1500)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                ["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = lab.Unit, ["system"] = "http://unitsofmeasure.org", ["code"] = lab.Unit },
            });
        }
        for (var i = 0; i < 6; i++)
        {
            var chronic = i < 2;
            Add(entries, null, new JsonObject
            {
                ["resourceType"] = "MedicationRequest",
                ["status"] = chronic ? "active" : "completed",
                ["intent"] = "order",
                ["medicationCodeableConcept"] = new JsonObject { ["text"] = Medicines[_random.Next(Medicines.Length)] },
                ["subject"] = Ref(patientUrl),
                ["authoredOn"] = now.AddDays(-_random.Next(0, 2000)).ToString("yyyy-MM-dd"),
                ["requester"] = Ref($"Practitioner/{gp}"),
            });
        }
        for (var i = 0; i < 4; i++)
        {
            var episode = Episodes[_random.Next(Episodes.Length)];
            Add(entries, null, new JsonObject
            {
                ["resourceType"] = "Condition",
                ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", i == 0 ? "active" : "resolved")) },
                ["code"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://hl7.org/fhir/sid/icpc-1-nl", episode.Code)), ["text"] = episode.Name },
                ["subject"] = Ref(patientUrl),
                ["onsetDateTime"] = now.AddDays(-_random.Next(0, 4000)).ToString("yyyy-MM-dd"),
            });
        }
        for (var i = 0; i < 4; i++)
        {
            var start = now.Date.AddDays(_random.Next(-300, 100)).AddHours(8 + _random.Next(0, 8)).AddMinutes(10 * _random.Next(0, 6));
            var practitioner = gp;
            Add(entries, null, new JsonObject
            {
                ["resourceType"] = "Appointment",
                ["status"] = start < now ? "fulfilled" : "booked",
                ["description"] = "Consult",
                ["start"] = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                ["end"] = start.AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                ["participant"] = new JsonArray(
                    new JsonObject { ["actor"] = Ref(patientUrl), ["status"] = "accepted" },
                    new JsonObject { ["actor"] = Ref($"Practitioner/{practitioner}"), ["status"] = "accepted" }),
            });
        }
        for (var i = 0; i < 4; i++)
        {
            var sent = now.AddHours(-_random.Next(0, 24 * 400));
            Add(entries, null, new JsonObject
            {
                ["resourceType"] = "Communication",
                ["status"] = i == 0 ? "in-progress" : "completed",
                ["category"] = new JsonArray(new JsonObject { ["text"] = "e-consult" }),
                ["subject"] = Ref(patientUrl),
                ["sender"] = Ref(patientUrl),
                ["recipient"] = new JsonArray(Ref($"Practitioner/{gp}")),
                ["sent"] = sent.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                ["payload"] = new JsonArray(new JsonObject { ["contentString"] = "Beste dokter, ik heb een vraag over mijn medicatie." }),
            });
        }
    }

    private static void Add(JsonArray entries, string? fullUrl, JsonObject resource)
    {
        var type = (string)resource["resourceType"]!;
        var entry = new JsonObject();
        if (fullUrl is not null)
            entry["fullUrl"] = fullUrl;
        entry["resource"] = resource;
        entry["request"] = new JsonObject { ["method"] = "POST", ["url"] = type };
        entries.Add(entry);
    }

    private static JsonObject Ref(string reference) => new() { ["reference"] = reference };

    private static JsonObject Coding(string system, string code) => new() { ["system"] = system, ["code"] = code };
}
