using System.Globalization;

namespace Portal.Ui.Components.Shared;

/// <summary>How the portal shows moments and dates: Europe/Amsterdam, Dutch words. Times are stored and exchanged in UTC.</summary>
public static class DutchTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("nl-NL");

    /// <summary>An ISO 8601 UTC moment from the API as "3-2-2026 14:05" in Amsterdam time.</summary>
    public static string Moment(string? isoUtc) =>
        DateTimeOffset.TryParse(isoUtc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
            ? TimeZoneInfo.ConvertTime(moment, Zone).ToString("d-M-yyyy HH:mm", Culture)
            : isoUtc ?? "";

    /// <summary>A yyyy-MM-dd date from the API as "dinsdag 3 februari 2026".</summary>
    public static string Date(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("dddd d MMMM yyyy", Culture)
            : isoDate ?? "";
}
