using Graph.Engine.Types;

namespace Graph.Bench;

public sealed record Person(string Id, string Name, string Role);
public sealed record Appointment(string Id, string Start, int Minutes, Person Practitioner, string Status, string? Reason);
public sealed record Message(string Id, string Subject, bool Unread, Person From, string SentAt);
public sealed record Prescription(string Id, string Medication, string Dosage, string Status, int RepeatsLeft);
public sealed record LabResult(string Id, string Code, string Display, double Value, string Unit, bool Flagged, string EffectiveAt);
public sealed record OpeningHours(string Day, string Open, string Close);
public sealed record Practice(string Name, string Phone, OpeningHours[] OpeningHours);
public sealed record Patient(string Id, string Name, string BirthDate, Person Gp, Appointment[] Appointments, Message[] Messages,
    Prescription[] Prescriptions, LabResult[] LabResults);

/// <summary>The portal-shaped schema, data and dashboard query used by both engines.</summary>
public static class PortalModel
{
    public const string Sdl = """
        type Query {
          patient(id: ID!): Patient
          practice: Practice!
        }
        interface Node { id: ID! }
        type Person implements Node { id: ID! name: String! role: String! }
        type Patient implements Node {
          id: ID!
          name: String!
          birthDate: String!
          gp: Person!
          appointments(first: Int = 10): [Appointment!]!
          messages(first: Int = 10): [Message!]!
          prescriptions: [Prescription!]!
          labResults(first: Int = 10): [LabResult!]!
        }
        type Appointment implements Node { id: ID! start: String! minutes: Int! practitioner: Person! status: AppointmentStatus! reason: String }
        enum AppointmentStatus { BOOKED CANCELLED FULFILLED }
        type Message implements Node { id: ID! subject: String! unread: Boolean! from: Person! sentAt: String! }
        type Prescription implements Node { id: ID! medication: String! dosage: String! status: String! repeatsLeft: Int! }
        type LabResult implements Node { id: ID! code: String! display: String! value: Float! unit: String! flagged: Boolean! effectiveAt: String! }
        type OpeningHours { day: String! open: String! close: String! }
        type Practice { name: String! phone: String! openingHours: [OpeningHours!]! }
        """;

    public const string DashboardQuery = """
        query Dashboard($patientId: ID!, $first: Int!, $withLabs: Boolean!) {
          patient(id: $patientId) {
            ...PatientHeader
            appointments(first: $first) { ...AppointmentRow }
            messages(first: $first) { id subject unread sentAt from { ...PersonName } }
            prescriptions { id medication dosage status repeatsLeft }
            labResults(first: $first) @include(if: $withLabs) { id code display value unit flagged effectiveAt }
          }
          practice { name phone openingHours { day open close } }
        }
        fragment PatientHeader on Patient { id name birthDate gp { ...PersonName } }
        fragment PersonName on Person { id name role }
        fragment AppointmentRow on Appointment { id start minutes status reason practitioner { ...PersonName } }
        """;

    public static readonly Dictionary<string, object?> Variables = new() { ["patientId"] = "p1", ["first"] = 20, ["withLabs"] = true };

    public static (Dictionary<string, Patient> Patients, Practice Practice) CreateData()
    {
        var staff = Enumerable.Range(1, 5).Select(i => new Person($"s{i}", $"Dr. Medewerker {i}", i % 2 == 0 ? "POH" : "huisarts")).ToArray();
        var patients = new Dictionary<string, Patient>();
        for (var p = 1; p <= 10; p++)
        {
            var appts = Enumerable.Range(1, 30).Select(i => new Appointment($"a{p}-{i}", $"2026-{1 + i % 12:00}-{1 + i % 28:00}T09:{i % 60:00}:00Z", 10 * (1 + i % 3),
                staff[i % staff.Length], (i % 3) switch { 0 => "BOOKED", 1 => "FULFILLED", _ => "CANCELLED" }, i % 4 == 0 ? null : $"Reden {i}")).ToArray();
            var msgs = Enumerable.Range(1, 30).Select(i => new Message($"m{p}-{i}", $"Vraag over uitslag {i}", i % 3 == 0, staff[(i + 1) % staff.Length], $"2026-10-{1 + i % 28:00}T12:00:00Z")).ToArray();
            var rx = Enumerable.Range(1, 8).Select(i => new Prescription($"r{p}-{i}", $"Medicijn {i} 10mg", "1x per dag", i % 2 == 0 ? "active" : "completed", i % 4)).ToArray();
            var labs = Enumerable.Range(1, 30).Select(i => new LabResult($"l{p}-{i}", $"LOINC-{1000 + i}", $"Bepaling {i}", Math.Round(3.5 + i * 0.25, 2), "mmol/L", i % 5 == 0, $"2026-09-{1 + i % 28:00}")).ToArray();
            patients[$"p{p}"] = new Patient($"p{p}", $"Patiënt {p}", $"19{50 + p}-0{1 + p % 9}-15", staff[p % staff.Length], appts, msgs, rx, labs);
        }
        var practice = new Practice("Huisartsenpraktijk De Linde", "+31 20 123 4567",
            new[] { "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag" }.Select(d => new OpeningHours(d, "08:00", "17:00")).ToArray());
        return (patients, practice);
    }

    public static Schema BuildSchema(Dictionary<string, Patient> patients, Practice practice) =>
        SchemaBuilder.FromSdl(Sdl)
            .Bind("Query", "patient", ctx => patients.GetValueOrDefault(ctx.Argument<string>("id")))
            .Bind("Query", "practice", _ => practice)
            .Bind("Patient", "appointments", ctx => Page(ctx.ParentAs<Patient>().Appointments, ctx.Argument<int>("first")))
            .Bind("Patient", "messages", ctx => Page(ctx.ParentAs<Patient>().Messages, ctx.Argument<int>("first")))
            .Bind("Patient", "labResults", ctx => Page(ctx.ParentAs<Patient>().LabResults, ctx.Argument<int>("first")))
            .Build();

    private static ArraySegment<T> Page<T>(T[] items, int first) => new(items, 0, Math.Min(first, items.Length));
}
