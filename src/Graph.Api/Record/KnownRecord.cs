using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api.Record;

/// <summary>
/// How the patient's record looks in FHIR, as a HIS writes it over /fhir and the portal reads it:
/// episodes are Conditions, allergies AllergyIntolerances, lab results Observations of category
/// laboratory, medication MedicationRequests. Chronic (repeat) medication is a MedicationRequest with
/// courseOfTherapyType <c>continuous</c> (http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy);
/// everything else (acute, seasonal, absent) is one-off and cannot be ordered again from the portal.
///
/// A repeat order from the portal is one MedicationRequest per medicine: status <c>draft</c> (not
/// actionable until the practice signs it), intent <c>order</c>, category <see cref="RepeatOrderCode"/>
/// in <see cref="OrderCategorySystem"/>, basedOn the chronic MedicationRequest, requester the patient
/// (or the parent's Patient when acting for a child), note the patient's remark, and groupIdentifier
/// <see cref="OrderSystem"/>|order id tying the medicines of one order together. A HIS finds open
/// orders with <c>GET /fhir/MedicationRequest?category=OrderCategorySystem|herhaalrecept&amp;status=draft</c>;
/// the practice approves (status <c>active</c>) or rejects (status <c>cancelled</c>, statusReason.text
/// the Dutch reason for the patient), in the portal or by updating the resource over FHIR REST.
/// https://hl7.org/fhir/R4/medicationrequest.html
/// </summary>
public static class KnownRecord
{
    public const string CourseOfTherapySystem = "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy";
    public const string Continuous = "continuous";
    public const string OrderCategorySystem = "https://fhir.huisartsportaal.nl/CodeSystem/medicatieverzoek";
    public const string RepeatOrderCode = "herhaalrecept";
    public const string OrderSystem = "https://fhir.huisartsportaal.nl/NamingSystem/herhaalbestelling";
    public const string RepeatOrderQuery = "category=" + "https%3A%2F%2Ffhir.huisartsportaal.nl%2FCodeSystem%2Fmedicatieverzoek%7C" + RepeatOrderCode;

    /// <summary>The medication passport and "Huidige medicatie" look back half a year (seed 003, 4.8.2).</summary>
    public static readonly Period LookBack = Period.FromMonths(6);

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static string? Ref(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var r) && r.ValueKind == JsonValueKind.Object ? Str(r, "reference") : null;

    /// <summary>What a person reads for a CodeableConcept: its text, else the first coding's display, else its code.</summary>
    internal static string? ConceptText(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var c) || c.ValueKind != JsonValueKind.Object)
            return null;
        if (Str(c, "text") is { } text)
            return text;
        if (c.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array)
        {
            foreach (var coding in codings.EnumerateArray())
            {
                var shown = Str(coding, "display") ?? Str(coding, "code");
                if (shown is not null)
                    return shown;
            }
        }
        return null;
    }

    internal static string? Code(JsonElement e, string name, string? system = null)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var c) || c.ValueKind != JsonValueKind.Object
            || !c.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var coding in codings.EnumerateArray())
        {
            if (system is null || Str(coding, "system") == system)
                return Str(coding, "code");
        }
        return null;
    }

    internal static bool HasCoding(JsonElement e, string name, string system, string code)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
            return false;
        foreach (var concept in list.EnumerateArray())
        {
            if (concept.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array
                && codings.EnumerateArray().Any(c => Str(c, "system") == system && Str(c, "code") == code))
                return true;
        }
        return false;
    }

    /// <summary>
    /// A FHIR date or dateTime as a moment for ordering and as the day it falls on in Amsterdam
    /// (a date without time is that day). Null when absent or not a FHIR date.
    /// </summary>
    internal static FhirMoment? Moment(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        if (value.Length > 10 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto))
        {
            var instant = Instant.FromDateTimeOffset(dto);
            return new FhirMoment(instant, instant.InZone(Calendar.DutchCalendar.Amsterdam).Date);
        }
        var text = value.Length switch { 4 => value + "-01-01", 7 => value + "-01", _ => value };
        return LocalDatePattern.Iso.Parse(text) is { Success: true } r
            ? new FhirMoment(Calendar.DutchCalendar.ToInstant(r.Value.AtMidnight()), r.Value)
            : null;
    }
}

/// <summary>A FHIR date(Time): the moment (for sorting) and the day in Europe/Amsterdam (for showing).</summary>
public sealed record FhirMoment(Instant Instant, LocalDate Day);
