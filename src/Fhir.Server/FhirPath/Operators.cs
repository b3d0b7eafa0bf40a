using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fhir.Server.FhirPath;

/// <summary>
/// Conversions, equality, equivalence, ordering and arithmetic on single values
/// (http://hl7.org/fhirpath/N1/#operations). FHIR primitives compare as their System values
/// (https://hl7.org/fhir/R4/fhirpath.html#types).
/// </summary>
internal static class Operators
{
    /// <summary>The System value of a FHIR primitive node; System values as they are; null for complex nodes.</summary>
    public static FhirPathValue? ToSystem(FhirPathValue value)
    {
        if (value is not FhirPathNode node) return value is FhirPathResolvedReference ? null : value;
        var json = node.Element;
        switch (json.ValueKind)
        {
            case JsonValueKind.True: return FhirPathBoolean.True;
            case JsonValueKind.False: return FhirPathBoolean.False;
            case JsonValueKind.Number:
                if (node.FhirType is "integer" or "positiveInt" or "unsignedInt" or "integer64" && json.TryGetInt64(out var l))
                    return new FhirPathInteger(l);
                if (decimal.TryParse(json.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    return new FhirPathDecimal(d);
                return null;
            case JsonValueKind.String:
                var s = json.GetString()!;
                switch (node.FhirType)
                {
                    case "date":
                    case "dateTime":
                    case "instant":
                        return PartialDateTime.TryParse(s, false, out var dt) ? new FhirPathTemporal(dt) : new FhirPathString(s);
                    case "time":
                        return PartialDateTime.TryParse(s, true, out var t) ? new FhirPathTemporal(t) : new FhirPathString(s);
                    default:
                        return new FhirPathString(s);
                }
            default:
                return null;
        }
    }

    /// <summary>Singleton evaluation of collections as a Boolean (http://hl7.org/fhirpath/N1/#singleton-evaluation-of-collections).</summary>
    public static bool? ToBoolean(IReadOnlyList<FhirPathValue> values, int position)
    {
        if (values.Count == 0) return null;
        if (values.Count > 1) throw new FhirPathException("Expected a single value but found a collection of " + values.Count, position);
        return ToSystem(values[0]) is FhirPathBoolean b ? b.Value : true;
    }

    /// <summary>The string value of a single item, or null when it is not a string-like primitive.</summary>
    public static string? AsString(FhirPathValue value) => ToSystem(value) switch
    {
        FhirPathString s => s.Value,
        _ => null,
    };

    /// <summary><c>=</c> for two items: true, false, or null (unknown, e.g. dates of different precision).</summary>
    public static bool? ItemEquals(FhirPathValue a, FhirPathValue b)
    {
        var x = ToSystem(a);
        var y = ToSystem(b);
        if (x is null || y is null)
        {
            if (a is FhirPathNode na && b is FhirPathNode nb && x is null && y is null)
                return JsonElement.DeepEquals(na.Element, nb.Element);
            if (a is FhirPathResolvedReference ra && b is FhirPathResolvedReference rb)
                return ra.Reference == rb.Reference;
            return false;
        }
        switch (x, y)
        {
            case (FhirPathString s1, FhirPathString s2): return string.Equals(s1.Value, s2.Value, StringComparison.Ordinal);
            case (FhirPathBoolean b1, FhirPathBoolean b2): return b1.Value == b2.Value;
            case (FhirPathTemporal t1, FhirPathTemporal t2):
                var c = PartialDateTime.Compare(t1.Value, t2.Value);
                return c is null ? null : c == 0;
            case (FhirPathTemporal t, FhirPathString s): return TemporalStringEquals(t, s);
            case (FhirPathString s, FhirPathTemporal t): return TemporalStringEquals(t, s);
            case (FhirPathQuantity q1, FhirPathQuantity q2):
                return QuantityComparable(q1, q2) ? q1.Value == q2.Value : null;
        }
        if (TryNumber(x, out var n1) && TryNumber(y, out var n2)) return n1 == n2;
        return false;
    }

    private static bool? TemporalStringEquals(FhirPathTemporal t, FhirPathString s)
    {
        if (!PartialDateTime.TryParse(s.Value, t.Value.Kind == TemporalKind.Time, out var parsed)) return false;
        var c = PartialDateTime.Compare(t.Value, parsed);
        return c is null ? null : c == 0;
    }

    /// <summary>
    /// Whether two quantities can be compared without unit conversion (no UCUM engine here): the same
    /// unit, the same calendar duration ("year" and "years"), or seconds/milliseconds against UCUM
    /// 's'/'ms', which N1 declares equal. Otherwise the result is unknown (empty), e.g. 1 year vs 1 'a'
    /// (http://hl7.org/fhirpath/N1/#time-valued-quantities).
    /// </summary>
    public static bool QuantityComparable(FhirPathQuantity a, FhirPathQuantity b) =>
        a.Unit == b.Unit || DefiniteUnit(a.Unit) is { } u && u == DefiniteUnit(b.Unit);

    private static string? DefiniteUnit(string unit) => unit switch
    {
        "year" or "years" => "year",
        "month" or "months" => "month",
        "week" or "weeks" => "week",
        "day" or "days" => "day",
        "hour" or "hours" => "hour",
        "minute" or "minutes" => "minute",
        "second" or "seconds" or "s" => "s",
        "millisecond" or "milliseconds" or "ms" => "ms",
        _ => null,
    };

    /// <summary>The singular calendar keyword for a duration unit ("years", "a" → "year"), or null.</summary>
    public static string? CalendarUnit(string unit) => unit switch
    {
        "year" or "years" or "a" => "year",
        "month" or "months" or "mo" => "month",
        "week" or "weeks" or "wk" => "week",
        "day" or "days" or "d" => "day",
        "hour" or "hours" or "h" => "hour",
        "minute" or "minutes" or "min" => "minute",
        "second" or "seconds" or "s" => "second",
        "millisecond" or "milliseconds" or "ms" => "millisecond",
        _ => null,
    };

    public static bool TryNumber(FhirPathValue? value, out decimal number)
    {
        switch (value)
        {
            case FhirPathInteger i: number = i.Value; return true;
            case FhirPathDecimal d: number = d.Value; return true;
            default: number = 0; return false;
        }
    }

    /// <summary><c>=</c> on collections: empty if either is empty, else item-wise in order.</summary>
    public static bool? CollectionEquals(IReadOnlyList<FhirPathValue> left, IReadOnlyList<FhirPathValue> right)
    {
        if (left.Count == 0 || right.Count == 0) return null;
        if (left.Count != right.Count) return false;
        for (int i = 0; i < left.Count; i++)
        {
            var eq = ItemEquals(left[i], right[i]);
            if (eq != true) return eq;
        }
        return true;
    }

    /// <summary><c>~</c> on collections: order-independent, never empty (http://hl7.org/fhirpath/N1/#equivalent).</summary>
    public static bool CollectionEquivalent(IReadOnlyList<FhirPathValue> left, IReadOnlyList<FhirPathValue> right)
    {
        if (left.Count != right.Count) return false;
        var used = new bool[right.Count];
        foreach (var a in left)
        {
            bool found = false;
            for (int j = 0; j < right.Count && !found; j++)
            {
                if (!used[j] && ItemEquivalent(a, right[j]))
                {
                    used[j] = found = true;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    public static bool ItemEquivalent(FhirPathValue a, FhirPathValue b)
    {
        var x = ToSystem(a);
        var y = ToSystem(b);
        if (x is null || y is null) return ItemEquals(a, b) == true;
        switch (x, y)
        {
            case (FhirPathString s1, FhirPathString s2):
                return string.Equals(NormalizeWhitespace(s1.Value), NormalizeWhitespace(s2.Value), StringComparison.OrdinalIgnoreCase);
            case (FhirPathTemporal t1, FhirPathTemporal t2):
                // Seconds and milliseconds are one precision for comparison (N1 §Comparison).
                return Coarse(t1.Value.Precision) == Coarse(t2.Value.Precision) && PartialDateTime.Compare(t1.Value, t2.Value) == 0;
        }
        if (TryNumber(x, out var n1) && TryNumber(y, out var n2))
        {
            int scale = Math.Min(n1.Scale, n2.Scale);
            return Math.Round(n1, scale, MidpointRounding.AwayFromZero) == Math.Round(n2, scale, MidpointRounding.AwayFromZero);
        }
        return ItemEquals(a, b) == true;
    }

    private static DateTimePrecision Coarse(DateTimePrecision p) => p == DateTimePrecision.Millisecond ? DateTimePrecision.Second : p;

    // "All whitespace characters are treated as equivalent" (N1 §Equivalent): tab and newline equal a
    // space; runs are not collapsed.
    private static string NormalizeWhitespace(string s) =>
        string.Create(s.Length, s, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = char.IsWhiteSpace(source[i]) ? ' ' : source[i];
        });

    /// <summary>Ordering of two items (http://hl7.org/fhirpath/N1/#comparison); null when not comparable.</summary>
    public static int? Compare(FhirPathValue a, FhirPathValue b, int position)
    {
        var x = ToSystem(a);
        var y = ToSystem(b);
        switch (x, y)
        {
            case (FhirPathString s1, FhirPathString s2): return string.CompareOrdinal(s1.Value, s2.Value);
            case (FhirPathTemporal t1, FhirPathTemporal t2): return PartialDateTime.Compare(t1.Value, t2.Value);
            case (FhirPathTemporal t, FhirPathString s):
                return PartialDateTime.TryParse(s.Value, t.Value.Kind == TemporalKind.Time, out var p1) ? PartialDateTime.Compare(t.Value, p1) : null;
            case (FhirPathString s, FhirPathTemporal t):
                return PartialDateTime.TryParse(s.Value, t.Value.Kind == TemporalKind.Time, out var p2) ? PartialDateTime.Compare(p2, t.Value) : null;
            case (FhirPathQuantity q1, FhirPathQuantity q2):
                return QuantityComparable(q1, q2) ? q1.Value.CompareTo(q2.Value) : null;
        }
        if (TryNumber(x, out var n1) && TryNumber(y, out var n2)) return n1.CompareTo(n2);
        if (a is FhirPathNode { FhirType: "Quantity" } || b is FhirPathNode { FhirType: "Quantity" })
        {
            if (ToQuantity(a) is { } qa && ToQuantity(b) is { } qb) return Compare(qa, qb, position);
        }
        throw new FhirPathException($"Cannot compare {a.TypeName} with {b.TypeName}", position);
    }

    /// <summary>A FHIR Quantity node or System Quantity as a System Quantity.</summary>
    public static FhirPathQuantity? ToQuantity(FhirPathValue value)
    {
        if (value is FhirPathQuantity q) return q;
        if (value is FhirPathNode { Element.ValueKind: JsonValueKind.Object } node &&
            node.Element.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number &&
            decimal.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            string unit = node.Element.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString()!
                : node.Element.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "1";
            return new FhirPathQuantity(d, unit);
        }
        if (ToSystem(value) is { } system && TryNumber(system, out var n)) return new FhirPathQuantity(n, "1");
        return null;
    }

    /// <summary>Arithmetic on two single items (http://hl7.org/fhirpath/N1/#math); null means empty.</summary>
    public static FhirPathValue? Arithmetic(string op, FhirPathValue a, FhirPathValue b, int position)
    {
        var x = ToSystem(a) ?? ToQuantity(a);
        var y = ToSystem(b) ?? ToQuantity(b);
        if (op == "+" && x is FhirPathString s1 && y is FhirPathString s2) return new FhirPathString(s1.Value + s2.Value);
        if (x is FhirPathTemporal t && y is FhirPathQuantity q && op is "+" or "-")
            return AddDuration(t, op == "+" ? q.Value : -q.Value, q.Unit, position);
        if (x is FhirPathInteger i1 && y is FhirPathInteger i2)
        {
            try
            {
                checked
                {
                    switch (op)
                    {
                        case "+": return new FhirPathInteger(i1.Value + i2.Value);
                        case "-": return new FhirPathInteger(i1.Value - i2.Value);
                        case "*": return new FhirPathInteger(i1.Value * i2.Value);
                        case "div": return i2.Value == 0 ? null : new FhirPathInteger(i1.Value / i2.Value);
                        case "mod": return i2.Value == 0 ? null : new FhirPathInteger(i1.Value % i2.Value);
                    }
                }
            }
            catch (OverflowException)
            {
                return null;
            }
        }
        if (TryNumber(x, out var d1) && TryNumber(y, out var d2))
        {
            try
            {
                return op switch
                {
                    "+" => new FhirPathDecimal(d1 + d2),
                    "-" => new FhirPathDecimal(d1 - d2),
                    "*" => new FhirPathDecimal(d1 * d2),
                    "/" => d2 == 0 ? null : new FhirPathDecimal(d1 / d2),
                    "div" => d2 == 0 ? null : new FhirPathInteger((long)decimal.Truncate(d1 / d2)),
                    "mod" => d2 == 0 ? null : new FhirPathDecimal(d1 % d2),
                    _ => throw new FhirPathException($"Unknown operator {op}", position),
                };
            }
            catch (OverflowException)
            {
                return null;
            }
        }
        if (x is FhirPathQuantity qa && y is FhirPathQuantity qb)
        {
            switch (op)
            {
                case "+" when qa.Unit == qb.Unit: return new FhirPathQuantity(qa.Value + qb.Value, qa.Unit);
                case "-" when qa.Unit == qb.Unit: return new FhirPathQuantity(qa.Value - qb.Value, qa.Unit);
                case "*": return new FhirPathQuantity(qa.Value * qb.Value, CombineUnits(qa.Unit, ".", qb.Unit));
                case "/" when qb.Value != 0: return new FhirPathQuantity(qa.Value / qb.Value, qa.Unit == qb.Unit ? "1" : CombineUnits(qa.Unit, "/", qb.Unit));
                default: return null;
            }
        }
        if (x is FhirPathQuantity q1 && TryNumber(y, out var m) && op is "*" or "/")
            return op == "*" ? new FhirPathQuantity(q1.Value * m, q1.Unit) : m == 0 ? null : new FhirPathQuantity(q1.Value / m, q1.Unit);
        if (TryNumber(x, out var m2) && y is FhirPathQuantity q2 && op == "*")
            return new FhirPathQuantity(q2.Value * m2, q2.Unit);
        throw new FhirPathException($"Operator '{op}' cannot be applied to {a.TypeName} and {b.TypeName}", position);
    }

    private static string CombineUnits(string a, string op, string b) => a == "1" ? (op == "." ? b : "1" + op + b) : b == "1" ? a : a + op + b;

    private static FhirPathTemporal? AddDuration(FhirPathTemporal t, decimal amount, string unit, int position)
    {
        var calendar = CalendarUnit(unit) ?? throw new FhirPathException($"'{unit}' is not a time-valued unit", position);
        var v = t.Value;
        var start = new DateTime(Math.Max(v.Year, 1), v.Month, v.Day, v.Hour, v.Minute, Math.Min(v.Second, 59), DateTimeKind.Unspecified).AddTicks(v.FractionTicks);
        int whole = (int)decimal.Truncate(amount);
        DateTime result;
        try
        {
            result = calendar switch
            {
                "year" => start.AddYears(whole),
                "month" => start.AddMonths(whole),
                "week" => start.AddDays(7 * whole),
                "day" => start.AddDays(whole),
                "hour" => start.AddTicks((long)(amount * TimeSpan.TicksPerHour)),
                "minute" => start.AddTicks((long)(amount * TimeSpan.TicksPerMinute)),
                "second" => start.AddTicks((long)(amount * TimeSpan.TicksPerSecond)),
                _ => start.AddTicks((long)(amount * TimeSpan.TicksPerMillisecond)),
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
        return new FhirPathTemporal(v with
        {
            Year = result.Year,
            Month = result.Month,
            Day = result.Day,
            Hour = result.Hour,
            Minute = result.Minute,
            Second = result.Second,
            FractionTicks = (int)(result.Ticks % TimeSpan.TicksPerSecond),
        });
    }
}
