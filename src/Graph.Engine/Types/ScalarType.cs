using System.Globalization;
using Graph.Engine.Language;

namespace Graph.Engine.Types;

/// <summary>Thrown by scalar coercion when a value cannot be coerced; the message reaches the client.</summary>
public sealed class CoercionException(string message) : Exception(message);

/// <summary>
/// A scalar type with its three coercions: result (serialize), input from variables (parseValue) and
/// input from literals (parseLiteral). https://spec.graphql.org/October2021/#sec-Scalars
/// </summary>
public sealed class ScalarType : NamedType
{
    public ScalarType(string name, Func<object, object?>? serialize = null, Func<object, object?>? parseValue = null, Func<ValueNode, object?>? parseLiteral = null)
        : base(name)
    {
        Serialize = serialize ?? (v => v);
        ParseValue = parseValue ?? (v => v);
        ParseLiteral = parseLiteral ?? DefaultParseLiteral;
    }

    public override TypeKind Kind => TypeKind.Scalar;
    public string? SpecifiedByUrl { get; internal set; }
    public Func<object, object?> Serialize { get; internal set; }
    public Func<object, object?> ParseValue { get; internal set; }
    public Func<ValueNode, object?> ParseLiteral { get; internal set; }
    public bool IsBuiltIn { get; private init; }

    /// <summary>Custom scalars without a literal parser accept any literal as plain data.</summary>
    public static object? DefaultParseLiteral(ValueNode node) => node switch
    {
        IntValueNode i => long.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : double.Parse(i.Value, CultureInfo.InvariantCulture),
        FloatValueNode f => double.Parse(f.Value, CultureInfo.InvariantCulture),
        StringValueNode s => s.Value,
        BooleanValueNode b => b.Value,
        NullValueNode => null,
        EnumValueNode e => e.Value,
        ListValueNode l => l.Values.Select(DefaultParseLiteral).ToList(),
        ObjectValueNode o => o.Fields.ToDictionary(f => f.Name, f => DefaultParseLiteral(f.Value)),
        _ => throw new CoercionException("Unexpected literal."),
    };

    internal static bool IsBuiltInName(string name) => name is "Int" or "Float" or "String" or "Boolean" or "ID";

    internal static ScalarType CreateBuiltIn(string name) => name switch
    {
        "Int" => new ScalarType("Int", SerializeInt, ParseIntValue, ParseIntLiteral)
        { IsBuiltIn = true, Description = "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1." },
        "Float" => new ScalarType("Float", SerializeFloat, ParseFloatValue, ParseFloatLiteral)
        { IsBuiltIn = true, Description = "The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point)." },
        "String" => new ScalarType("String", SerializeString, ParseStringValue, ParseStringLiteral)
        { IsBuiltIn = true, Description = "The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text." },
        "Boolean" => new ScalarType("Boolean", SerializeBoolean, ParseBooleanValue, ParseBooleanLiteral)
        { IsBuiltIn = true, Description = "The `Boolean` scalar type represents `true` or `false`." },
        "ID" => new ScalarType("ID", SerializeId, ParseIdValue, ParseIdLiteral)
        { IsBuiltIn = true, Description = "The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID." },
        _ => throw new ArgumentException(name),
    };

    private static string Show(object v) => v switch
    {
        string s => Printer.PrintString(s),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static bool TryDouble(object v, out double d)
    {
        switch (v)
        {
            case int i: d = i; return true;
            case long l: d = l; return true;
            case double x: d = x; return true;
            case float f: d = f; return true;
            case decimal m: d = (double)m; return true;
            case short s: d = s; return true;
            case byte b: d = b; return true;
            case uint ui: d = ui; return true;
            case ulong ul: d = ul; return true;
            default: d = 0; return false;
        }
    }

    private static object? SerializeInt(object v)
    {
        if (v is int) return v;
        if (v is bool b) return b ? 1 : 0;
        double d;
        if (v is string s)
        {
            if (s.Length == 0 || !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                throw new CoercionException($"Int cannot represent non-integer value: {Show(v)}");
        }
        else if (!TryDouble(v, out d)) throw new CoercionException($"Int cannot represent non-integer value: {Show(v)}");
        if (double.IsNaN(d) || double.IsInfinity(d) || Math.Floor(d) != d) throw new CoercionException($"Int cannot represent non-integer value: {Show(v)}");
        if (d > int.MaxValue || d < int.MinValue) throw new CoercionException($"Int cannot represent non 32-bit signed integer value: {Show(v)}");
        return (int)d;
    }

    private static object? ParseIntValue(object v)
    {
        if (v is bool || !TryDouble(v, out var d) || Math.Floor(d) != d || double.IsInfinity(d))
            throw new CoercionException($"Int cannot represent non-integer value: {Show(v)}");
        if (d > int.MaxValue || d < int.MinValue) throw new CoercionException($"Int cannot represent non 32-bit signed integer value: {Show(v)}");
        return (int)d;
    }

    private static object? ParseIntLiteral(ValueNode node)
    {
        if (node is not IntValueNode i) throw new CoercionException($"Int cannot represent non-integer value: {Printer.Print(node)}");
        if (!int.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            throw new CoercionException($"Int cannot represent non 32-bit signed integer value: {i.Value}");
        return n;
    }

    private static object? SerializeFloat(object v)
    {
        if (v is double dd && double.IsFinite(dd)) return dd;
        if (v is bool b) return b ? 1.0 : 0.0;
        double d;
        if (v is string s)
        {
            if (s.Length == 0 || !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                throw new CoercionException($"Float cannot represent non numeric value: {Show(v)}");
        }
        else if (!TryDouble(v, out d)) throw new CoercionException($"Float cannot represent non numeric value: {Show(v)}");
        if (!double.IsFinite(d)) throw new CoercionException($"Float cannot represent non numeric value: {Show(v)}");
        return d;
    }

    private static object? ParseFloatValue(object v)
    {
        if (v is bool || !TryDouble(v, out var d) || !double.IsFinite(d)) throw new CoercionException($"Float cannot represent non numeric value: {Show(v)}");
        return d;
    }

    private static object? ParseFloatLiteral(ValueNode node) => node switch
    {
        IntValueNode i => double.Parse(i.Value, CultureInfo.InvariantCulture),
        FloatValueNode f => double.Parse(f.Value, CultureInfo.InvariantCulture),
        _ => throw new CoercionException($"Float cannot represent non numeric value: {Printer.Print(node)}"),
    };

    private static object? SerializeString(object v) => v switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        char c => c.ToString(),
        Guid g => g.ToString(),
        int or long or short or byte => Convert.ToString(v, CultureInfo.InvariantCulture),
        double d when double.IsFinite(d) => FormatJsNumber(d),
        Enum e => e.ToString(),
        _ => throw new CoercionException($"String cannot represent value: {Show(v)}"),
    };

    internal static string FormatJsNumber(double d) =>
        Math.Floor(d) == d && Math.Abs(d) < 1e21 ? ((decimal)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    private static object? ParseStringValue(object v) =>
        v as string ?? throw new CoercionException($"String cannot represent a non string value: {Show(v)}");

    private static object? ParseStringLiteral(ValueNode node) =>
        node is StringValueNode s ? s.Value : throw new CoercionException($"String cannot represent a non string value: {Printer.Print(node)}");

    private static object? SerializeBoolean(object v)
    {
        if (v is bool) return v;
        if (TryDouble(v, out var d) && double.IsFinite(d)) return d != 0;
        throw new CoercionException($"Boolean cannot represent a non boolean value: {Show(v)}");
    }

    private static object? ParseBooleanValue(object v) =>
        v is bool ? v : throw new CoercionException($"Boolean cannot represent a non boolean value: {Show(v)}");

    private static object? ParseBooleanLiteral(ValueNode node) =>
        node is BooleanValueNode b ? b.Value : throw new CoercionException($"Boolean cannot represent a non boolean value: {Printer.Print(node)}");

    private static object? SerializeId(object v)
    {
        if (v is string s) return s;
        if (v is Guid g) return g.ToString();
        if (v is int or long or short or byte) return Convert.ToString(v, CultureInfo.InvariantCulture);
        if (v is double d && Math.Floor(d) == d && double.IsFinite(d)) return FormatJsNumber(d);
        throw new CoercionException($"ID cannot represent value: {Show(v)}");
    }

    private static object? ParseIdValue(object v)
    {
        if (v is string s) return s;
        if (v is int or long) return Convert.ToString(v, CultureInfo.InvariantCulture);
        if (v is double d && Math.Floor(d) == d && double.IsFinite(d)) return FormatJsNumber(d);
        throw new CoercionException($"ID cannot represent value: {Show(v)}");
    }

    private static object? ParseIdLiteral(ValueNode node) => node switch
    {
        StringValueNode s => s.Value,
        IntValueNode i => i.Value,
        _ => throw new CoercionException($"ID cannot represent a non-string and non-integer value: {Printer.Print(node)}"),
    };
}
