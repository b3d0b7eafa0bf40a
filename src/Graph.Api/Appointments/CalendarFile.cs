using System.Globalization;
using System.Text;
using NodaTime;

namespace Graph.Api.Appointments;

/// <summary>
/// "Voeg toe aan uw agenda": the appointment as an iCalendar file (RFC 5545). Lines end in CRLF and are
/// folded at 75 octets without splitting a UTF-8 character (3.1); text values are escaped (3.3.11);
/// times are UTC (3.3.5 form #2), so no VTIMEZONE is needed; UID is stable per appointment and
/// SEQUENCE follows its version, so a calendar that imported it updates it on a second import.
/// https://www.rfc-editor.org/rfc/rfc5545
/// </summary>
public static class CalendarFile
{
    public const string MediaType = "text/calendar; charset=utf-8";

    public static string For(AppointmentView view, string? practitioner, string? practice, string? address, Instant now)
    {
        var r = view.Resource;
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Huisartsportaal//Afspraken//NL",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            $"UID:{view.Id}@afspraken.huisartsportaal.nl",
            $"DTSTAMP:{Utc(now)}",
            $"DTSTART:{Utc(r.Start ?? now)}",
            $"DTEND:{Utc(r.End ?? r.Start ?? now)}",
            $"SEQUENCE:{Math.Max(0, view.Version - 1).ToString(CultureInfo.InvariantCulture)}",
            $"STATUS:{(view.Row.Active ? "CONFIRMED" : "CANCELLED")}",
            $"SUMMARY:{Escape(Summary(view, practitioner, practice))}",
        };
        if (address is not null)
            lines.Add($"LOCATION:{Escape(practice is null ? address : $"{practice}, {address}")}");
        var description = new StringBuilder();
        if (view.VisitType?.Preparation is { } preparation)
            description.Append("Voorbereiding: ").Append(preparation).Append('\n');
        if (view.VisitType?.FollowUp is { } followUp)
            description.Append(followUp).Append('\n');
        description.Append($"Verhinderd? Annuleer uiterlijk {view.Settings.CutoffHours} uur van tevoren in het patiëntenportaal of bel {view.PracticePhone}.");
        lines.Add($"DESCRIPTION:{Escape(description.ToString())}");
        lines.Add("END:VEVENT");
        lines.Add("END:VCALENDAR");
        var text = new StringBuilder();
        foreach (var line in lines)
            Fold(text, line);
        return text.ToString();
    }

    private static string Summary(AppointmentView view, string? practitioner, string? practice)
    {
        var what = view.VisitType?.Name ?? "Afspraak";
        return practitioner is not null ? $"{what} bij {practitioner}" : practice is not null ? $"{what} bij {practice}" : what;
    }

    public static string Utc(Instant instant) => instant.ToDateTimeOffset().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT escaping of RFC 5545 3.3.11: backslash, semicolon, comma, and newlines as \n.</summary>
    public static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\r", "\\n", StringComparison.Ordinal);

    /// <summary>Content lines of at most 75 octets; continuation lines start with one space (RFC 5545 3.1).</summary>
    public static void Fold(StringBuilder output, string line)
    {
        var octets = 0;
        var limit = 75;
        var e = StringInfo.GetTextElementEnumerator(line);
        while (e.MoveNext())
        {
            var element = (string)e.Current;
            var size = Encoding.UTF8.GetByteCount(element);
            if (octets + size > limit)
            {
                output.Append("\r\n ");
                octets = 1;
            }
            output.Append(element);
            octets += size;
        }
        output.Append("\r\n");
    }
}
