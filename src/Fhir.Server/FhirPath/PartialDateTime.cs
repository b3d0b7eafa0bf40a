using System.Globalization;
using System.Text;

namespace Fhir.Server.FhirPath;

public enum TemporalKind { Date, DateTime, Time }

/// <summary>How much of a date/time value is known; comparisons only go as far as both are known.</summary>
public enum DateTimePrecision { Year, Month, Day, Hour, Minute, Second, Millisecond }

/// <summary>
/// A date, date-time or time known to some precision, with an optional UTC offset
/// (http://hl7.org/fhirpath/N1/#datetime, FHIR's date/dateTime/instant/time: https://hl7.org/fhir/R4/datatypes.html#primitive).
/// </summary>
public readonly record struct PartialDateTime(
    TemporalKind Kind,
    DateTimePrecision Precision,
    int Year,
    int Month,
    int Day,
    int Hour,
    int Minute,
    int Second,
    int FractionTicks,
    int FractionDigits,
    TimeSpan? Offset)
{
    /// <summary>Parses "2026", "2026-03-01", "2026-03-01T10:00:00.5+01:00", "2026-03T", and with
    /// <paramref name="time"/> "10:00[:00[.000]]". Returns false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, bool time, out PartialDateTime value)
    {
        value = default;
        int pos = 0;
        int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, fraction = 0, digits = 0;
        TimeSpan? offset = null;
        var precision = DateTimePrecision.Year;
        var kind = TemporalKind.Date;
        if (!time)
        {
            if (!Digits(s, ref pos, 4, out year)) return false;
            if (Peek(s, pos) == '-')
            {
                pos++;
                if (!Digits(s, ref pos, 2, out month) || month is < 1 or > 12) return false;
                precision = DateTimePrecision.Month;
                if (Peek(s, pos) == '-')
                {
                    pos++;
                    if (!Digits(s, ref pos, 2, out day) || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)) return false;
                    precision = DateTimePrecision.Day;
                }
            }
            if (Peek(s, pos) == 'T')
            {
                pos++;
                kind = TemporalKind.DateTime;
                if (pos == s.Length)
                {
                    value = new(kind, precision, year, month, day, 0, 0, 0, 0, 0, null);
                    return true;
                }
                if (precision != DateTimePrecision.Day) return false;
            }
            else
            {
                if (pos != s.Length) return false;
                value = new(kind, precision, year, month, day, 0, 0, 0, 0, 0, null);
                return true;
            }
        }
        else
        {
            kind = TemporalKind.Time;
        }

        if (!Digits(s, ref pos, 2, out hour) || hour > 23) return false;
        precision = DateTimePrecision.Hour;
        if (Peek(s, pos) == ':')
        {
            pos++;
            if (!Digits(s, ref pos, 2, out minute) || minute > 59) return false;
            precision = DateTimePrecision.Minute;
            if (Peek(s, pos) == ':')
            {
                pos++;
                if (!Digits(s, ref pos, 2, out second) || second > 60) return false;
                precision = DateTimePrecision.Second;
                if (Peek(s, pos) == '.')
                {
                    pos++;
                    int start = pos;
                    while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
                    digits = pos - start;
                    if (digits == 0) return false;
                    var frac = s.Slice(start, Math.Min(digits, 7));
                    fraction = int.Parse(frac, CultureInfo.InvariantCulture);
                    for (int i = frac.Length; i < 7; i++) fraction *= 10;
                    precision = DateTimePrecision.Millisecond;
                }
            }
        }
        if (kind == TemporalKind.DateTime && pos < s.Length)
        {
            char c = s[pos];
            if (c == 'Z')
            {
                offset = TimeSpan.Zero;
                pos++;
            }
            else if (c is '+' or '-')
            {
                pos++;
                if (!Digits(s, ref pos, 2, out int oh) || Peek(s, pos) != ':') return false;
                pos++;
                if (!Digits(s, ref pos, 2, out int om) || oh > 14 || om > 59) return false;
                offset = new TimeSpan(oh, om, 0) * (c == '-' ? -1 : 1);
            }
        }
        if (pos != s.Length) return false;
        value = new(kind, precision, year, month, day, hour, minute, second, fraction, digits, offset);
        return true;
    }

    private static char Peek(ReadOnlySpan<char> s, int pos) => pos < s.Length ? s[pos] : '\0';

    private static bool Digits(ReadOnlySpan<char> s, ref int pos, int count, out int value)
    {
        value = 0;
        if (pos + count > s.Length) return false;
        for (int i = 0; i < count; i++)
        {
            char c = s[pos + i];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        pos += count;
        return true;
    }

    /// <summary>The earliest instant this value can denote, as UTC. Without an offset the value is read as
    /// UTC (the server's convention; https://hl7.org/fhir/R4/search.html#date leaves it to the server).</summary>
    public DateTimeOffset LowerBoundUtc()
    {
        var local = new DateTime(Math.Max(Year, 1), Month, Day, Hour, Minute, Math.Min(Second, 59), DateTimeKind.Unspecified).AddTicks(FractionTicks);
        return new DateTimeOffset(local, Offset ?? TimeSpan.Zero).ToUniversalTime();
    }

    /// <summary>The last tick this value can denote, as UTC (2026-03 → 2026-03-31T23:59:59.9999999Z).</summary>
    public DateTimeOffset UpperBoundUtc()
    {
        var low = LowerBoundUtc();
        DateTimeOffset next = Precision switch
        {
            DateTimePrecision.Year => low.AddYears(1),
            DateTimePrecision.Month => low.AddMonths(1),
            DateTimePrecision.Day => low.AddDays(1),
            DateTimePrecision.Hour => low.AddHours(1),
            DateTimePrecision.Minute => low.AddMinutes(1),
            DateTimePrecision.Second => low.AddSeconds(1),
            _ => low.AddTicks(FractionDigits >= 7 ? 1 : (long)Math.Pow(10, 7 - FractionDigits)),
        };
        return next.AddTicks(-1);
    }

    /// <summary>Compares per http://hl7.org/fhirpath/N1/#comparison: null when the values differ only below
    /// the precision one of them has.</summary>
    public static int? Compare(PartialDateTime a, PartialDateTime b)
    {
        if (a.Kind == TemporalKind.Time != (b.Kind == TemporalKind.Time)) return null;
        // A value without a time zone is read as UTC, as LowerBoundUtc does.
        if (a.Kind != TemporalKind.Time && (a.Offset.HasValue || b.Offset.HasValue) && a.Precision > DateTimePrecision.Day && b.Precision > DateTimePrecision.Day)
        {
            a = a.ToUtc();
            b = b.ToUtc();
        }
        var min = (DateTimePrecision)Math.Min((int)a.Precision, (int)b.Precision);
        int start = a.Kind == TemporalKind.Time ? (int)DateTimePrecision.Hour : 0;
        for (int p = start; p <= (int)DateTimePrecision.Millisecond; p++)
        {
            if (p > (int)min)
            {
                // Seconds and milliseconds are one precision for comparison purposes.
                if (a.Precision == b.Precision) return 0;
                if (p == (int)DateTimePrecision.Millisecond && min == DateTimePrecision.Second) return a.FractionTicks.CompareTo(b.FractionTicks);
                return null;
            }
            int c = a.Component((DateTimePrecision)p).CompareTo(b.Component((DateTimePrecision)p));
            if (c != 0) return c;
        }
        return 0;
    }

    private int Component(DateTimePrecision p) => p switch
    {
        DateTimePrecision.Year => Year,
        DateTimePrecision.Month => Month,
        DateTimePrecision.Day => Day,
        DateTimePrecision.Hour => Hour,
        DateTimePrecision.Minute => Minute,
        DateTimePrecision.Second => Second,
        _ => FractionTicks,
    };

    private PartialDateTime ToUtc()
    {
        if (Offset is null || Offset == TimeSpan.Zero) return this with { Offset = Offset is null ? null : TimeSpan.Zero };
        var utc = LowerBoundUtc().UtcDateTime;
        return this with { Year = utc.Year, Month = utc.Month, Day = utc.Day, Hour = utc.Hour, Minute = utc.Minute, Offset = TimeSpan.Zero };
    }

    public override string ToString()
    {
        var sb = new StringBuilder(32);
        if (Kind != TemporalKind.Time)
        {
            sb.Append(Year.ToString("D4", CultureInfo.InvariantCulture));
            if (Precision >= DateTimePrecision.Month) sb.Append('-').Append(Month.ToString("D2", CultureInfo.InvariantCulture));
            if (Precision >= DateTimePrecision.Day) sb.Append('-').Append(Day.ToString("D2", CultureInfo.InvariantCulture));
            if (Kind == TemporalKind.Date) return sb.ToString();
            if (Precision < DateTimePrecision.Hour) return sb.ToString();
            sb.Append('T');
        }
        sb.Append(Hour.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= DateTimePrecision.Minute) sb.Append(':').Append(Minute.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= DateTimePrecision.Second) sb.Append(':').Append(Second.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= DateTimePrecision.Millisecond)
        {
            var frac = FractionTicks.ToString("D7", CultureInfo.InvariantCulture);
            sb.Append('.').Append(frac, 0, Math.Clamp(FractionDigits, 1, 7));
        }
        if (Kind == TemporalKind.DateTime && Offset is { } o)
        {
            if (o == TimeSpan.Zero) sb.Append('Z');
            else sb.Append(o < TimeSpan.Zero ? '-' : '+').Append(o.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
