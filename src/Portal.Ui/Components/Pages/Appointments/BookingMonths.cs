using System.Globalization;

namespace Portal.Ui.Components.Pages.Appointments;

/// <summary>The months the day picker walks through ("Meer"), bounded by the practice's booking horizon.</summary>
public sealed record BookingMonths(DateOnly First, DateOnly Last)
{
    public static BookingMonths? From(string? firstBookableDate, string? lastBookableDate) =>
        Parse(firstBookableDate) is { } first && Parse(lastBookableDate) is { } last ? new BookingMonths(first, last) : null;

    /// <summary>The requested month (yyyy-MM) when it lies in the horizon, else the first bookable month.</summary>
    public string Month(string? requested) =>
        Parse(requested + "-01") is { } start && start <= Last && start.AddMonths(1) > First ? Key(start) : Key(First);

    /// <summary>The yyyy-MM-dd range of availability to ask for in a month.</summary>
    public (string From, string To) Range(string month)
    {
        var start = Parse(month + "-01")!.Value;
        var from = start < First ? First : start;
        var end = start.AddMonths(1).AddDays(-1);
        var to = end > Last ? Last : end;
        return (Iso(from), Iso(to));
    }

    public string? Previous(string month) => Parse(month + "-01") is { } start && start > First ? Key(start.AddMonths(-1)) : null;

    public string? Next(string month) => Parse(month + "-01") is { } start && start.AddMonths(1) <= Last ? Key(start.AddMonths(1)) : null;

    private static string Key(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? Parse(string? iso) =>
        DateOnly.TryParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
