using System.Text.Json;
using Graph.Engine.Language;

namespace Graph.Engine.Types;

/// <summary>
/// Input coercion of literals and variable values.
/// https://spec.graphql.org/October2021/#sec-Input-Values and #sec-Coercing-Variable-Values
/// </summary>
public static class InputCoercion
{
    /// <summary>Coerces a literal to the runtime value of <paramref name="type"/>; throws <see cref="CoercionException"/>.</summary>
    public static object? CoerceLiteral(ValueNode node, GraphType type, IReadOnlyDictionary<string, object?>? variables)
    {
        if (node is VariableNode v)
        {
            if (variables is null || !variables.TryGetValue(v.Name, out var value))
                throw new MissingVariableException(v.Name);
            if (value is null && type is NonNullType) throw new CoercionException($"Variable \"${v.Name}\" of non-null type must not be null.");
            return value;
        }
        if (type is NonNullType nn)
        {
            if (node is NullValueNode) throw new CoercionException($"Expected value of non-null type \"{type}\" not to be null.");
            return CoerceLiteral(node, nn.OfType, variables);
        }
        if (node is NullValueNode) return null;
        switch (type)
        {
            case ListType list:
                if (node is ListValueNode l)
                {
                    var result = new List<object?>(l.Values.Count);
                    foreach (var item in l.Values)
                    {
                        if (item is VariableNode iv && (variables is null || !variables.ContainsKey(iv.Name)))
                        {
                            if (list.OfType is NonNullType) throw new CoercionException($"Variable \"${iv.Name}\" was not provided.");
                            result.Add(null);
                            continue;
                        }
                        result.Add(CoerceLiteral(item, list.OfType, variables));
                    }
                    return result;
                }
                return new List<object?> { CoerceLiteral(node, list.OfType, variables) };
            case InputObjectType io:
                {
                    if (node is not ObjectValueNode obj) throw new CoercionException($"Expected type \"{io.Name}\" to be an object.");
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var f in obj.Fields)
                        if (io.GetField(f.Name) is null) throw new CoercionException($"Field \"{f.Name}\" is not defined by type \"{io.Name}\".");
                    foreach (var field in io.FieldList)
                    {
                        ObjectFieldNode? fn = null;
                        foreach (var f in obj.Fields) if (f.Name == field.Name) { fn = f; break; }
                        if (fn is null || (fn.Value is VariableNode fv && (variables is null || !variables.ContainsKey(fv.Name))))
                        {
                            if (field.DefaultValue is not null) result[field.Name] = CoerceLiteral(field.DefaultValue, field.Type, null);
                            else if (field.Type is NonNullType) throw new CoercionException($"Field \"{io.Name}.{field.Name}\" of required type \"{field.Type}\" was not provided.");
                            continue;
                        }
                        result[field.Name] = CoerceLiteral(fn.Value, field.Type, variables);
                    }
                    if (io.IsOneOf) CheckOneOf(io, result);
                    return result;
                }
            case EnumType e:
                {
                    if (node is not EnumValueNode ev || e.GetValue(ev.Value) is not { } def)
                        throw new CoercionException($"Value \"{Printer.Print(node)}\" does not exist in \"{e.Name}\" enum.");
                    return def.Value;
                }
            case ScalarType s:
                return s.ParseLiteral(node) ?? throw new CoercionException($"Expected value of type \"{s.Name}\", found {Printer.Print(node)}.");
        }
        throw new CoercionException($"Unexpected input type {type}.");
    }

    private static void CheckOneOf(InputObjectType io, Dictionary<string, object?> value)
    {
        if (value.Count != 1) throw new CoercionException($"OneOf Input Object \"{io.Name}\" must specify exactly one key.");
        foreach (var kv in value)
            if (kv.Value is null) throw new CoercionException($"Field \"{io.Name}.{kv.Key}\" must be non-null.");
    }

    /// <summary>Coerces an external (JSON-derived) variable value; throws <see cref="CoercionException"/> with a path-aware message.</summary>
    public static object? CoerceInputValue(object? value, GraphType type, string path = "")
    {
        if (type is NonNullType nn)
        {
            if (value is null) throw new CoercionException($"{At(path)}Expected non-nullable type \"{type}\" not to be null.");
            return CoerceInputValue(value, nn.OfType, path);
        }
        if (value is null) return null;
        switch (type)
        {
            case ListType list:
                if (value is IList<object?> items)
                {
                    var result = new List<object?>(items.Count);
                    for (var i = 0; i < items.Count; i++) result.Add(CoerceInputValue(items[i], list.OfType, $"{path}[{i}]"));
                    return result;
                }
                return new List<object?> { CoerceInputValue(value, list.OfType, path) };
            case InputObjectType io:
                {
                    if (value is not IDictionary<string, object?> map)
                        throw new CoercionException($"{At(path)}Expected type \"{io.Name}\" to be an object.");
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var field in io.FieldList)
                    {
                        if (!map.TryGetValue(field.Name, out var fv))
                        {
                            if (field.DefaultValue is not null) result[field.Name] = CoerceLiteral(field.DefaultValue, field.Type, null);
                            else if (field.Type is NonNullType)
                                throw new CoercionException($"{At(path)}Field \"{field.Name}\" of required type \"{field.Type}\" was not provided.");
                            continue;
                        }
                        result[field.Name] = CoerceInputValue(fv, field.Type, $"{path}.{field.Name}");
                    }
                    foreach (var k in map.Keys)
                        if (io.GetField(k) is null) throw new CoercionException($"{At(path)}Field \"{k}\" is not defined by type \"{io.Name}\".");
                    if (io.IsOneOf)
                    {
                        if (map.Count != 1) throw new CoercionException($"{At(path)}Exactly one key must be specified for OneOf type \"{io.Name}\".");
                        foreach (var kv in map)
                            if (kv.Value is null) throw new CoercionException($"{At(path)}Field \"{kv.Key}\" must be non-null.");
                    }
                    return result;
                }
            case EnumType e:
                if (value is string s && e.GetValue(s) is { } ev) return ev.Value;
                throw new CoercionException($"{At(path)}Value {Describe(value)} does not exist in \"{e.Name}\" enum.");
            case ScalarType sc:
                try
                {
                    return sc.ParseValue(value) ?? throw new CoercionException($"Expected type \"{sc.Name}\".");
                }
                catch (CoercionException ex)
                {
                    throw new CoercionException($"{At(path)}{ex.Message}");
                }
        }
        throw new CoercionException($"Unexpected input type {type}.");
    }

    private static string At(string path) => path.Length == 0 ? "" : $"at \"value{path}\"; ";

    private static string Describe(object v) => v is string s ? Printer.PrintString(s) : JsonSerializer.Serialize(v);

    /// <summary>Converts a JSON element into plain values: dictionaries, lists, strings, long/double, bool, null.</summary>
    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => FromJsonObject(e),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static Dictionary<string, object?> FromJsonObject(JsonElement e)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject()) d[p.Name] = FromJson(p.Value);
        return d;
    }

    /// <summary>Converts a coerced runtime value back to a literal (for printing default values).</summary>
    public static ValueNode? ToLiteral(object? value, GraphType type)
    {
        if (type is NonNullType nn) return ToLiteral(value, nn.OfType);
        if (value is null) return new NullValueNode();
        switch (type)
        {
            case ListType l:
                if (value is IEnumerable<object?> items && value is not string)
                    return new ListValueNode(items.Select(i => ToLiteral(i, l.OfType) ?? new NullValueNode()).ToList());
                return ToLiteral(value, l.OfType);
            case InputObjectType io when value is IDictionary<string, object?> map:
                return new ObjectValueNode(io.FieldList.Where(f => map.ContainsKey(f.Name))
                    .Select(f => new ObjectFieldNode(f.Name, ToLiteral(map[f.Name], f.Type) ?? new NullValueNode())).ToList());
            case EnumType e:
                return e.Serialize(value) is { } name ? new EnumValueNode(name) : null;
            case ScalarType s:
                var ser = s.Serialize(value);
                return ser switch
                {
                    bool b => new BooleanValueNode(b),
                    int or long => new IntValueNode(Convert.ToString(ser, System.Globalization.CultureInfo.InvariantCulture)!),
                    double d => Math.Floor(d) == d && Math.Abs(d) < 1e21 ? new IntValueNode(ScalarType.FormatJsNumber(d)) : new FloatValueNode(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                    string str when s.Name == "ID" && (str == "0" || (long.TryParse(str, out _) && !str.StartsWith('0') && !str.StartsWith("-0", StringComparison.Ordinal))) => new IntValueNode(str),
                    string str2 => new StringValueNode(str2),
                    _ => null,
                };
        }
        return null;
    }
}

/// <summary>A variable referenced by a literal was not provided at runtime.</summary>
public sealed class MissingVariableException(string name) : Exception($"Variable \"${name}\" was not provided.")
{
    public string Name { get; } = name;
}
