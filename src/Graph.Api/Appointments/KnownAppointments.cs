using System.Globalization;
using System.Text.Json;
using NodaTime;

namespace Graph.Api.Appointments;

/// <summary>
/// How online appointments look in FHIR. A web appointment (booked by a patient, from the portal or a
/// patient app) carries <see cref="WebTag"/> in meta.tag; its visit type is a serviceType coding in
/// <see cref="VisitTypeSystem"/> (the practice's own codes, settings in module "appointments"); the
/// reason is reasonCode.text; the slots it takes are in slot[].
/// https://hl7.org/fhir/R4/appointment.html
/// </summary>
public static class KnownAppointments
{
    public const string SourceSystem = "https://fhir.huisartsportaal.nl/CodeSystem/afspraakbron";
    public const string WebTag = "web";
    public const string VisitTypeSystem = "https://fhir.huisartsportaal.nl/CodeSystem/bezoeksoort";
    public const string AppointmentTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0276";

    /// <summary>Appointment statuses that hold their slots.</summary>
    public static readonly IReadOnlySet<string> ActiveStatuses = new HashSet<string>(StringComparer.Ordinal)
    {
        "proposed", "pending", "booked", "arrived", "fulfilled", "checked-in", "waitlist",
    };
}

/// <summary>The parts of an Appointment resource the booking rules and lists need.</summary>
public sealed record AppointmentResource(
    string? Id, string Status, Instant? Start, Instant? End, IReadOnlyList<string> SlotIds, string? PatientId, string? ActorRef,
    string? VisitType, string? Reason, bool Web, Instant? Created, string? PracticeMessage)
{
    public static AppointmentResource Parse(JsonElement root)
    {
        var slots = new List<string>();
        if (root.TryGetProperty("slot", out var slotArray) && slotArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in slotArray.EnumerateArray())
            {
                if (Str(s, "reference") is { } r && r.StartsWith("Slot/", StringComparison.Ordinal))
                    slots.Add(r["Slot/".Length..]);
            }
        }
        string? patient = null, actor = null;
        if (root.TryGetProperty("participant", out var participants) && participants.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in participants.EnumerateArray())
            {
                var reference = p.TryGetProperty("actor", out var a) ? Str(a, "reference") : null;
                if (reference is null) continue;
                if (reference.StartsWith("Patient/", StringComparison.Ordinal)) patient ??= reference["Patient/".Length..];
                else if (reference.StartsWith("Practitioner/", StringComparison.Ordinal)) actor = reference;
                else if (reference.StartsWith("PractitionerRole/", StringComparison.Ordinal)) actor ??= reference;
            }
        }
        string? visitType = null;
        if (root.TryGetProperty("serviceType", out var serviceTypes) && serviceTypes.ValueKind == JsonValueKind.Array)
            visitType = serviceTypes.EnumerateArray().SelectMany(Codings).FirstOrDefault(c => c.System == KnownAppointments.VisitTypeSystem).Code;
        string? reason = null;
        if (root.TryGetProperty("reasonCode", out var reasons) && reasons.ValueKind == JsonValueKind.Array && reasons.GetArrayLength() > 0)
            reason = Str(reasons[0], "text");
        var web = root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("tag", out var tags) && tags.ValueKind == JsonValueKind.Array
            && tags.EnumerateArray().Any(t => Str(t, "system") == KnownAppointments.SourceSystem && Str(t, "code") == KnownAppointments.WebTag);
        var message = root.TryGetProperty("cancelationReason", out var cr) ? Str(cr, "text") : null;
        message ??= Str(root, "comment");
        return new AppointmentResource(Str(root, "id"), Str(root, "status") ?? "proposed", Time(Str(root, "start")), Time(Str(root, "end")), slots, patient, actor,
            visitType, reason, web, Time(Str(root, "created")), message);
    }

    public static Instant? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? Instant.FromDateTimeOffset(t) : null;

    private static IEnumerable<(string? System, string? Code)> Codings(JsonElement concept) =>
        concept.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array
            ? codings.EnumerateArray().Select(c => (Str(c, "system"), Str(c, "code")))
            : [];

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
