using System.Buffers;
using System.Text.Json;
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

    /// <summary>
    /// A transaction Bundle of these patients and their resources, as UTF-8 JSON. Written straight to a
    /// Utf8JsonWriter (not built as a JsonNode tree first): the generator shares the machine's two cores
    /// with the server, so its own CPU per resource counts in the load rate.
    /// </summary>
    public byte[] Bundle(int firstPatient, int patients)
    {
        var buffer = new ArrayBufferWriter<byte>(patients * ResourcesPerPatient * 400);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Bundle");
            w.WriteString("type", "transaction");
            w.WriteStartArray("entry");
            for (var p = firstPatient; p < firstPatient + patients; p++)
                AddPatient(w, p);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private void AddPatient(Utf8JsonWriter w, int index)
    {
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var gp = GpOf(index);
        var birth = new DateOnly(1940, 1, 1).AddDays(_random.Next(0, 80 * 365));
        StartEntry(w, patientUrl, "Patient");
        w.WriteStartArray("identifier");
        Coding(w, null, "http://fhir.nl/fhir/NamingSystem/bsn", "value", Bsn(index));
        w.WriteEndArray();
        w.WriteStartArray("name");
        w.WriteStartObject();
        w.WriteString("family", Family[_random.Next(Family.Length)]);
        w.WriteStartArray("given");
        w.WriteStringValue(Given[_random.Next(Given.Length)]);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("gender", _random.Next(2) == 0 ? "female" : "male");
        w.WriteString("birthDate", birth.ToString("yyyy-MM-dd"));
        w.WriteStartArray("generalPractitioner");
        Ref(w, null, $"Practitioner/{gp}");
        w.WriteEndArray();
        EndEntry(w, "Patient");
        var now = DateTime.UtcNow;
        for (var i = 0; i < 12; i++)
        {
            var lab = Labs[_random.Next(Labs.Length)];
            var value = Math.Round(lab.Low + _random.NextDouble() * (lab.High - lab.Low), 1);
            StartEntry(w, null, "Observation");
            w.WriteString("status", "final");
            w.WriteStartArray("category");
            CodeableConcept(w, null, "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null);
            w.WriteEndArray();
            CodeableConcept(w, "code", "http://loinc.org", lab.Code, lab.Name);
            Ref(w, "subject", patientUrl);
            w.WriteString("effectiveDateTime", now.AddDays(-_random.Next(0, 1500)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
            w.WriteStartObject("valueQuantity");
            w.WriteNumber("value", value);
            w.WriteString("unit", lab.Unit);
            w.WriteString("system", "http://unitsofmeasure.org");
            w.WriteString("code", lab.Unit);
            w.WriteEndObject();
            EndEntry(w, "Observation");
        }
        for (var i = 0; i < 6; i++)
        {
            var chronic = i < 2;
            StartEntry(w, null, "MedicationRequest");
            w.WriteString("status", chronic ? "active" : "completed");
            w.WriteString("intent", "order");
            w.WriteStartObject("medicationCodeableConcept");
            w.WriteString("text", Medicines[_random.Next(Medicines.Length)]);
            w.WriteEndObject();
            Ref(w, "subject", patientUrl);
            w.WriteString("authoredOn", now.AddDays(-_random.Next(0, 2000)).ToString("yyyy-MM-dd"));
            Ref(w, "requester", $"Practitioner/{gp}");
            EndEntry(w, "MedicationRequest");
        }
        for (var i = 0; i < 4; i++)
        {
            var episode = Episodes[_random.Next(Episodes.Length)];
            StartEntry(w, null, "Condition");
            CodeableConcept(w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/condition-clinical", i == 0 ? "active" : "resolved", null);
            CodeableConcept(w, "code", "http://hl7.org/fhir/sid/icpc-1-nl", episode.Code, episode.Name);
            Ref(w, "subject", patientUrl);
            w.WriteString("onsetDateTime", now.AddDays(-_random.Next(0, 4000)).ToString("yyyy-MM-dd"));
            EndEntry(w, "Condition");
        }
        for (var i = 0; i < 4; i++)
        {
            var start = now.Date.AddDays(_random.Next(-300, 100)).AddHours(8 + _random.Next(0, 8)).AddMinutes(10 * _random.Next(0, 6));
            StartEntry(w, null, "Appointment");
            w.WriteString("status", start < now ? "fulfilled" : "booked");
            w.WriteString("description", "Consult");
            w.WriteString("start", start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
            w.WriteString("end", start.AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
            w.WriteStartArray("participant");
            foreach (var actor in (string[])[patientUrl, $"Practitioner/{gp}"])
            {
                w.WriteStartObject();
                Ref(w, "actor", actor);
                w.WriteString("status", "accepted");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            EndEntry(w, "Appointment");
        }
        for (var i = 0; i < 4; i++)
        {
            var sent = now.AddHours(-_random.Next(0, 24 * 400));
            StartEntry(w, null, "Communication");
            w.WriteString("status", i == 0 ? "in-progress" : "completed");
            w.WriteStartArray("category");
            w.WriteStartObject();
            w.WriteString("text", "e-consult");
            w.WriteEndObject();
            w.WriteEndArray();
            Ref(w, "subject", patientUrl);
            Ref(w, "sender", patientUrl);
            w.WriteStartArray("recipient");
            Ref(w, null, $"Practitioner/{gp}");
            w.WriteEndArray();
            w.WriteString("sent", sent.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
            w.WriteStartArray("payload");
            w.WriteStartObject();
            w.WriteString("contentString", "Beste dokter, ik heb een vraag over mijn medicatie.");
            w.WriteEndObject();
            w.WriteEndArray();
            EndEntry(w, "Communication");
        }
    }

    /// <summary>Opens an entry (fullUrl when given) and its resource; <see cref="EndEntry"/> closes both and adds the request.</summary>
    private static void StartEntry(Utf8JsonWriter w, string? fullUrl, string type)
    {
        w.WriteStartObject();
        if (fullUrl is not null)
            w.WriteString("fullUrl", fullUrl);
        w.WriteStartObject("resource");
        w.WriteString("resourceType", type);
    }

    private static void EndEntry(Utf8JsonWriter w, string type)
    {
        w.WriteEndObject();
        w.WriteStartObject("request");
        w.WriteString("method", "POST");
        w.WriteString("url", type);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Ref(Utf8JsonWriter w, string? property, string reference)
    {
        if (property is null)
            w.WriteStartObject();
        else
            w.WriteStartObject(property);
        w.WriteString("reference", reference);
        w.WriteEndObject();
    }

    /// <summary>An object with system and one more string property (a Coding's code, an Identifier's value).</summary>
    private static void Coding(Utf8JsonWriter w, string? property, string system, string name, string value)
    {
        if (property is null)
            w.WriteStartObject();
        else
            w.WriteStartObject(property);
        w.WriteString("system", system);
        w.WriteString(name, value);
        w.WriteEndObject();
    }

    private static void CodeableConcept(Utf8JsonWriter w, string? property, string system, string code, string? text)
    {
        if (property is null)
            w.WriteStartObject();
        else
            w.WriteStartObject(property);
        w.WriteStartArray("coding");
        Coding(w, null, system, "code", code);
        w.WriteEndArray();
        if (text is not null)
            w.WriteString("text", text);
        w.WriteEndObject();
    }
}
