using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fhir.Server.FhirPath;

/// <summary>
/// The function library: FHIRPath N1 (http://hl7.org/fhirpath/N1/#functions) and the FHIR additions
/// (https://hl7.org/fhir/R4/fhirpath.html#functions: extension, resolve, hasValue, getValue, memberOf...).
/// Each call is bound once, at compile time, to a closure.
/// </summary>
internal static class Functions
{
    private delegate IReadOnlyList<FhirPathValue> Body(Env env, IReadOnlyList<FhirPathValue> input, IReadOnlyList<FhirPathValue> focus);

    private static readonly IReadOnlyList<FhirPathValue> Empty = Compiler.Empty;
    private static readonly IReadOnlyList<FhirPathValue> True = [FhirPathBoolean.True];
    private static readonly IReadOnlyList<FhirPathValue> False = [FhirPathBoolean.False];
    private static readonly ConcurrentDictionary<string, Regex> RegexCache = new(StringComparer.Ordinal);

    public static Evaluator Compile(CallNode call)
    {
        Evaluator target = call.Target is null ? static (_, focus) => focus : Compiler.Compile(call.Target);
        var body = Bind(call);
        return (env, focus) => body(env, target(env, focus), focus);
    }

    private static IReadOnlyList<FhirPathValue> Bool(bool value) => value ? True : False;

    private static void Arity(CallNode call, int min, int max)
    {
        if (call.Arguments.Count < min || call.Arguments.Count > max)
        {
            var expected = min == max ? min.ToString(CultureInfo.InvariantCulture) : $"{min} to {max}";
            throw new FhirPathException($"Function {call.Name}() takes {expected} argument(s), got {call.Arguments.Count}", call.Position);
        }
    }

    private static Evaluator Arg(CallNode call, int index) => Compiler.Compile(call.Arguments[index]);

    private static TypeSpecifier TypeArgument(CallNode call)
    {
        Arity(call, 1, 1);
        return call.Arguments[0] switch
        {
            IdentifierNode id => new TypeSpecifier(null, id.Name),
            MemberNode { Target: IdentifierNode ns } member => new TypeSpecifier(ns.Name, member.Name),
            _ => throw new FhirPathException($"{call.Name}() needs a type name", call.Arguments[0].Position),
        };
    }

    private static Body Bind(CallNode call)
    {
        int position = call.Position;
        switch (call.Name)
        {
            // Existence (http://hl7.org/fhirpath/N1/#existence)
            case "empty":
                Arity(call, 0, 0);
                return (_, input, _) => Bool(input.Count == 0);
            case "exists":
            {
                Arity(call, 0, 1);
                if (call.Arguments.Count == 0) return (_, input, _) => Bool(input.Count > 0);
                var criteria = Arg(call, 0);
                return (env, input, _) => Bool(Where(env, input, criteria, position).Count > 0);
            }
            case "all":
            {
                Arity(call, 1, 1);
                var criteria = Arg(call, 0);
                return (env, input, _) =>
                {
                    for (int i = 0; i < input.Count; i++)
                    {
                        if (Operators.ToBoolean(criteria(env.For(input[i], i), [input[i]]), position) != true) return False;
                    }
                    return True;
                };
            }
            case "allTrue": Arity(call, 0, 0); return (_, input, _) => Bool(Booleans(input, position).All(b => b));
            case "anyTrue": Arity(call, 0, 0); return (_, input, _) => Bool(Booleans(input, position).Any(b => b));
            case "allFalse": Arity(call, 0, 0); return (_, input, _) => Bool(Booleans(input, position).All(b => !b));
            case "anyFalse": Arity(call, 0, 0); return (_, input, _) => Bool(Booleans(input, position).Any(b => !b));
            case "subsetOf":
            {
                Arity(call, 1, 1);
                var other = Arg(call, 0);
                return (env, input, focus) => { var o = other(env, focus); return Bool(input.All(v => Collections.Contains(o, v))); };
            }
            case "supersetOf":
            {
                Arity(call, 1, 1);
                var other = Arg(call, 0);
                return (env, input, focus) => { var o = other(env, focus); return Bool(o.All(v => Collections.Contains(input, v))); };
            }
            case "count": Arity(call, 0, 0); return (_, input, _) => [new FhirPathInteger(input.Count)];
            case "distinct":
                Arity(call, 0, 0);
                return (_, input, _) =>
                {
                    var output = new List<FhirPathValue>(input.Count);
                    foreach (var v in input) Collections.AddDistinct(output, v);
                    return output;
                };
            case "isDistinct":
                Arity(call, 0, 0);
                return (_, input, _) =>
                {
                    var output = new List<FhirPathValue>(input.Count);
                    foreach (var v in input) Collections.AddDistinct(output, v);
                    return Bool(output.Count == input.Count);
                };

            // Filtering and projection (http://hl7.org/fhirpath/N1/#filtering-and-projection)
            case "where":
            {
                Arity(call, 1, 1);
                var criteria = Arg(call, 0);
                return (env, input, _) => Where(env, input, criteria, position);
            }
            case "select":
            {
                Arity(call, 1, 1);
                var projection = Arg(call, 0);
                return (env, input, _) =>
                {
                    if (input.Count == 0) return Empty;
                    var output = new List<FhirPathValue>();
                    for (int i = 0; i < input.Count; i++) output.AddRange(projection(env.For(input[i], i), [input[i]]));
                    return output;
                };
            }
            case "repeat":
            {
                Arity(call, 1, 1);
                var projection = Arg(call, 0);
                return (env, input, _) =>
                {
                    var output = new List<FhirPathValue>();
                    var queue = new Queue<FhirPathValue>(input);
                    while (queue.Count > 0 && output.Count < 100_000)
                    {
                        var item = queue.Dequeue();
                        foreach (var next in projection(env.For(item, 0), [item]))
                        {
                            if (output.Any(o => ReferenceEquals(o, next) || Operators.ItemEquals(o, next) == true)) continue;
                            output.Add(next);
                            queue.Enqueue(next);
                        }
                    }
                    return output;
                };
            }
            case "ofType":
            {
                var type = TypeArgument(call);
                return (env, input, _) => input.Where(v => TypeMatching.Matches(env.Globals.Definitions, v, type)).ToList();
            }
            case "as":
            {
                var type = TypeArgument(call);
                return (env, input, _) => TypeMatching.As(env, input, type, position);
            }
            case "is":
            {
                var type = TypeArgument(call);
                return (env, input, _) =>
                {
                    if (input.Count == 0) return Empty;
                    if (input.Count > 1) throw new FhirPathException("is() needs a single value", position);
                    return Bool(TypeMatching.Matches(env.Globals.Definitions, input[0], type));
                };
            }

            // Subsetting (http://hl7.org/fhirpath/N1/#subsetting)
            case "single":
                Arity(call, 0, 0);
                return (_, input, _) => input.Count <= 1 ? input : throw new FhirPathException("single() found more than one item", position);
            case "first": Arity(call, 0, 0); return (_, input, _) => input.Count == 0 ? Empty : [input[0]];
            case "last": Arity(call, 0, 0); return (_, input, _) => input.Count == 0 ? Empty : [input[^1]];
            case "tail": Arity(call, 0, 0); return (_, input, _) => input.Count <= 1 ? Empty : input.Skip(1).ToList();
            case "skip":
            {
                Arity(call, 1, 1);
                var count = Arg(call, 0);
                return (env, input, focus) =>
                {
                    var n = IntegerArgument(count(env, focus), position);
                    return n is null ? Empty : input.Skip((int)Math.Max(0, n.Value)).ToList();
                };
            }
            case "take":
            {
                Arity(call, 1, 1);
                var count = Arg(call, 0);
                return (env, input, focus) =>
                {
                    var n = IntegerArgument(count(env, focus), position);
                    return n is null or <= 0 ? Empty : input.Take((int)n.Value).ToList();
                };
            }
            case "intersect":
            {
                Arity(call, 1, 1);
                var other = Arg(call, 0);
                return (env, input, focus) =>
                {
                    var o = other(env, focus);
                    var output = new List<FhirPathValue>();
                    foreach (var v in input)
                    {
                        if (Collections.Contains(o, v)) Collections.AddDistinct(output, v);
                    }
                    return output;
                };
            }
            case "exclude":
            {
                Arity(call, 1, 1);
                var other = Arg(call, 0);
                return (env, input, focus) => { var o = other(env, focus); return input.Where(v => !Collections.Contains(o, v)).ToList(); };
            }

            // Combining (http://hl7.org/fhirpath/N1/#combining)
            case "union":
            {
                Arity(call, 1, 1);
                var other = Arg(call, 0);
                return (env, input, focus) => Collections.Union(input, other(env, focus));
            }
            case "combine":
            {
                Arity(call, 1, 1);
                var other = Arg(call, 0);
                return (env, input, focus) => input.Concat(other(env, focus)).ToList();
            }

            // Conversion (http://hl7.org/fhirpath/N1/#conversion)
            case "iif":
            {
                Arity(call, 2, 3);
                var criterion = Arg(call, 0);
                var whenTrue = Arg(call, 1);
                Evaluator? whenFalse = call.Arguments.Count == 3 ? Arg(call, 2) : null;
                return (env, input, focus) =>
                {
                    if (input.Count > 1) throw new FhirPathException("iif() needs a single input", position);
                    var scope = input.Count == 1 ? env.For(input[0], 0) : env;
                    var scopeFocus = input.Count == 1 ? input : focus;
                    var c = Operators.ToBoolean(criterion(scope, scopeFocus), position);
                    if (c == true) return whenTrue(scope, scopeFocus);
                    return whenFalse is null ? Empty : whenFalse(scope, scopeFocus);
                };
            }
            case "toBoolean": Arity(call, 0, 0); return Convert(position, v => ToBoolean(v));
            case "convertsToBoolean": Arity(call, 0, 0); return Converts(position, v => ToBoolean(v));
            case "toInteger": Arity(call, 0, 0); return Convert(position, v => ToInteger(v));
            case "convertsToInteger": Arity(call, 0, 0); return Converts(position, v => ToInteger(v));
            case "toDecimal": Arity(call, 0, 0); return Convert(position, v => ToDecimal(v));
            case "convertsToDecimal": Arity(call, 0, 0); return Converts(position, v => ToDecimal(v));
            case "toString": Arity(call, 0, 0); return Convert(position, v => ToStringValue(v));
            case "convertsToString": Arity(call, 0, 0); return Converts(position, v => ToStringValue(v));
            case "toDate": Arity(call, 0, 0); return Convert(position, v => ToTemporal(v, TemporalKind.Date));
            case "convertsToDate": Arity(call, 0, 0); return Converts(position, v => ToTemporal(v, TemporalKind.Date));
            case "toDateTime": Arity(call, 0, 0); return Convert(position, v => ToTemporal(v, TemporalKind.DateTime));
            case "convertsToDateTime": Arity(call, 0, 0); return Converts(position, v => ToTemporal(v, TemporalKind.DateTime));
            case "toTime": Arity(call, 0, 0); return Convert(position, v => ToTemporal(v, TemporalKind.Time));
            case "convertsToTime": Arity(call, 0, 0); return Converts(position, v => ToTemporal(v, TemporalKind.Time));
            case "toQuantity": Arity(call, 0, 1); return Convert(position, v => ToQuantityValue(v));
            case "convertsToQuantity": Arity(call, 0, 1); return Converts(position, v => ToQuantityValue(v));

            // Strings (http://hl7.org/fhirpath/N1/#string-manipulation)
            case "indexOf":
                Arity(call, 1, 1);
                return StringFunction(call, (s, a) => a[0] is null ? null : new FhirPathInteger(s.IndexOf(a[0]!, StringComparison.Ordinal)));
            case "substring":
                Arity(call, 1, 2);
                return StringFunctionRaw(call, (s, a) =>
                {
                    if (a[0] is not FhirPathInteger start) return null;
                    if (start.Value < 0 || start.Value >= s.Length) return null;
                    if (a.Length < 2) return new FhirPathString(s[(int)start.Value..]);
                    if (a[1] is not FhirPathInteger length) return new FhirPathString(s[(int)start.Value..]);
                    int len = (int)Math.Clamp(length.Value, 0, s.Length - start.Value);
                    return new FhirPathString(s.Substring((int)start.Value, len));
                });
            case "startsWith":
                Arity(call, 1, 1);
                return StringFunction(call, (s, a) => a[0] is null ? null : FhirPathBoolean.Of(s.StartsWith(a[0]!, StringComparison.Ordinal)));
            case "endsWith":
                Arity(call, 1, 1);
                return StringFunction(call, (s, a) => a[0] is null ? null : FhirPathBoolean.Of(s.EndsWith(a[0]!, StringComparison.Ordinal)));
            case "contains":
                Arity(call, 1, 1);
                return StringFunction(call, (s, a) => a[0] is null ? null : FhirPathBoolean.Of(s.Contains(a[0]!, StringComparison.Ordinal)));
            case "upper": Arity(call, 0, 0); return StringFunction(call, (s, _) => new FhirPathString(s.ToUpperInvariant()));
            case "lower": Arity(call, 0, 0); return StringFunction(call, (s, _) => new FhirPathString(s.ToLowerInvariant()));
            case "trim": Arity(call, 0, 0); return StringFunction(call, (s, _) => new FhirPathString(s.Trim()));
            case "length": Arity(call, 0, 0); return StringFunction(call, (s, _) => new FhirPathInteger(s.Length));
            case "replace":
                Arity(call, 2, 2);
                return StringFunction(call, (s, a) => a[0] is null || a[1] is null ? null
                    : new FhirPathString(a[0]!.Length == 0 ? Interleave(s, a[1]!) : s.Replace(a[0]!, a[1]!, StringComparison.Ordinal)));
            case "matches":
                Arity(call, 1, 1);
                return StringFunction(call, (s, a) => a[0] is null ? null : FhirPathBoolean.Of(WithTimeout(() => GetRegex(a[0]!, position).IsMatch(s), position)));
            case "replaceMatches":
                Arity(call, 2, 2);
                return StringFunction(call, (s, a) => a[0] is null || a[1] is null ? null : new FhirPathString(WithTimeout(() => GetRegex(a[0]!, position).Replace(s, a[1]!), position)));
            case "toChars":
                Arity(call, 0, 0);
                return (_, input, _) => SingleString(input, position) is { } s ? s.Select(c => (FhirPathValue)new FhirPathString(c.ToString())).ToList() : Empty;
            case "split":
            {
                Arity(call, 1, 1);
                var separator = Arg(call, 0);
                return (env, input, focus) =>
                {
                    var s = SingleString(input, position);
                    var sep = SingleString(separator(env, focus), position);
                    if (s is null || sep is null) return Empty;
                    return s.Split(sep).Select(p => (FhirPathValue)new FhirPathString(p)).ToList();
                };
            }
            case "join":
            {
                Arity(call, 0, 1);
                Evaluator? separator = call.Arguments.Count == 1 ? Arg(call, 0) : null;
                return (env, input, focus) =>
                {
                    if (input.Count == 0) return Empty;
                    var sep = separator is null ? "" : SingleString(separator(env, focus), position) ?? "";
                    return [new FhirPathString(string.Join(sep, input.Select(v => Operators.AsString(v) ?? v.ToString())))];
                };
            }

            // Math (http://hl7.org/fhirpath/N1/#math)
            case "abs": Arity(call, 0, 0); return Math1(position, d => Math.Abs(d), i => Math.Abs(i));
            case "ceiling": Arity(call, 0, 0); return Math1(position, d => Math.Ceiling(d), i => i, integerResult: true);
            case "floor": Arity(call, 0, 0); return Math1(position, d => Math.Floor(d), i => i, integerResult: true);
            case "truncate": Arity(call, 0, 0); return Math1(position, d => Math.Truncate(d), i => i, integerResult: true);
            case "round":
            {
                Arity(call, 0, 1);
                Evaluator? precision = call.Arguments.Count == 1 ? Arg(call, 0) : null;
                return (env, input, focus) =>
                {
                    if (input.Count == 0) return Empty;
                    if (!Operators.TryNumber(Operators.ToSystem(input[0]), out var d)) throw new FhirPathException("round() needs a number", position);
                    int digits = precision is null ? 0 : (int)(IntegerArgument(precision(env, focus), position) ?? 0);
                    return [new FhirPathDecimal(Math.Round(d, digits, MidpointRounding.AwayFromZero))];
                };
            }
            case "sqrt": Arity(call, 0, 0); return MathDouble(position, Math.Sqrt);
            case "exp": Arity(call, 0, 0); return MathDouble(position, Math.Exp);
            case "ln": Arity(call, 0, 0); return MathDouble(position, Math.Log);
            case "log":
            {
                Arity(call, 1, 1);
                var logBase = Arg(call, 0);
                return (env, input, focus) =>
                {
                    var b = logBase(env, focus);
                    if (input.Count == 0 || b.Count == 0) return Empty;
                    if (!Operators.TryNumber(Operators.ToSystem(input[0]), out var x) || !Operators.TryNumber(Operators.ToSystem(b[0]), out var y))
                        throw new FhirPathException("log() needs numbers", position);
                    return FromDouble(Math.Log((double)x, (double)y));
                };
            }
            case "power":
            {
                Arity(call, 1, 1);
                var exponent = Arg(call, 0);
                return (env, input, focus) =>
                {
                    var e = exponent(env, focus);
                    if (input.Count == 0 || e.Count == 0) return Empty;
                    var x = Operators.ToSystem(input[0]);
                    var y = Operators.ToSystem(e[0]);
                    if (x is FhirPathInteger xi && y is FhirPathInteger yi && yi.Value >= 0)
                    {
                        try
                        {
                            long r = 1;
                            for (long k = 0; k < yi.Value; k++) r = checked(r * xi.Value);
                            return [new FhirPathInteger(r)];
                        }
                        catch (OverflowException)
                        {
                            return Empty;
                        }
                    }
                    if (!Operators.TryNumber(x, out var xd) || !Operators.TryNumber(y, out var yd)) throw new FhirPathException("power() needs numbers", position);
                    return FromDouble(Math.Pow((double)xd, (double)yd));
                };
            }

            // Tree navigation (http://hl7.org/fhirpath/N1/#tree-navigation)
            case "children":
                Arity(call, 0, 0);
                return (env, input, _) =>
                {
                    var output = new List<FhirPathValue>();
                    foreach (var v in input)
                    {
                        if (v is FhirPathNode node) Navigation.Children(node, env.Globals.Definitions, output);
                    }
                    return output;
                };
            case "descendants":
                Arity(call, 0, 0);
                return (env, input, _) =>
                {
                    var output = new List<FhirPathValue>();
                    var level = new List<FhirPathValue>(input);
                    while (level.Count > 0 && output.Count < 1_000_000)
                    {
                        var next = new List<FhirPathValue>();
                        foreach (var v in level)
                        {
                            if (v is FhirPathNode node) Navigation.Children(node, env.Globals.Definitions, next);
                        }
                        output.AddRange(next);
                        level = next;
                    }
                    return output;
                };

            // Utility (http://hl7.org/fhirpath/N1/#utility-functions)
            case "trace":
            {
                Arity(call, 1, 2);
                var name = Arg(call, 0);
                Evaluator? projection = call.Arguments.Count == 2 ? Arg(call, 1) : null;
                return (env, input, focus) =>
                {
                    if (env.Globals.Context?.Trace is { } sink)
                    {
                        var label = SingleString(name(env, focus), position) ?? "";
                        sink(label, projection is null ? input : projection(env, input));
                    }
                    return input;
                };
            }
            case "now":
                Arity(call, 0, 0);
                return (env, _, _) => [Temporal(env.Globals.Now, TemporalKind.DateTime)];
            case "today":
                Arity(call, 0, 0);
                return (env, _, _) => [Temporal(env.Globals.Now, TemporalKind.Date)];
            case "timeOfDay":
                Arity(call, 0, 0);
                return (env, _, _) => [Temporal(env.Globals.Now, TemporalKind.Time)];

            // FHIR additions (https://hl7.org/fhir/R4/fhirpath.html#functions)
            case "extension":
            {
                Arity(call, 1, 1);
                var url = Arg(call, 0);
                return (env, input, focus) =>
                {
                    var u = SingleString(url(env, focus), position);
                    if (u is null || input.Count == 0) return Empty;
                    var output = new List<FhirPathValue>();
                    foreach (var v in input)
                    {
                        if (v is not FhirPathNode node) continue;
                        var extensions = new List<FhirPathValue>();
                        var host = node.Element.ValueKind == JsonValueKind.Object ? node
                            : node.PrimitiveExtension.ValueKind == JsonValueKind.Object
                                ? Navigation.ForType(node.PrimitiveExtension, "Element", env.Globals.Definitions) : null;
                        if (host is null) continue;
                        Navigation.Member(host, "extension", "_extension", env.Globals.Definitions, extensions);
                        foreach (var e in extensions)
                        {
                            if (e is FhirPathNode ext && ext.Element.TryGetProperty("url", out var eu) && eu.ValueKind == JsonValueKind.String && eu.GetString() == u)
                                output.Add(e);
                        }
                    }
                    return output;
                };
            }
            case "hasValue":
                Arity(call, 0, 0);
                return (_, input, _) => Bool(input.Count == 1 && input[0] is FhirPathNode { HasValue: true } n && n.Element.ValueKind is not JsonValueKind.Object and not JsonValueKind.Array);
            case "getValue":
                Arity(call, 0, 0);
                return (_, input, _) => input.Count == 1 && input[0] is FhirPathNode { HasValue: true } && Operators.ToSystem(input[0]) is { } value ? [value] : Empty;
            case "resolve":
                Arity(call, 0, 0);
                return (env, input, _) => References.Resolve(env.Globals, input);
            case "memberOf":
            case "conformsTo":
            case "subsumes":
            case "subsumedBy":
                // Terminology and profile checks need a terminology service; a search index never depends on them.
                Arity(call, 1, 1);
                return (_, _, _) => Empty;
            case "htmlChecks":
            case "htmlchecks":
                Arity(call, 0, 0);
                return (_, _, _) => True;
            case "not":
                Arity(call, 0, 0);
                return (_, input, _) => Operators.ToBoolean(input, position) is { } b ? Bool(!b) : Empty;
            case "type":
                Arity(call, 0, 0);
                return (_, input, _) => input.Select(TypeInfo).ToList();
            case "sum":
            case "min":
            case "max":
            case "avg":
            {
                // Aggregate functions of FHIRPath 2.0 (https://build.fhir.org/ig/HL7/FHIRPath/#aggregates).
                Arity(call, 0, 0);
                var name = call.Name;
                return (_, input, _) =>
                {
                    if (input.Count == 0) return name == "sum" ? [new FhirPathInteger(0)] : Empty;
                    var values = input.Select(v => Operators.ToSystem(v) ?? throw new FhirPathException($"{name}() needs primitive values", position)).ToList();
                    if (name is "min" or "max")
                    {
                        var best = values[0];
                        foreach (var v in values.Skip(1))
                        {
                            var c = Operators.Compare(v, best, position);
                            if (c is null) return Empty;
                            if (name == "min" ? c < 0 : c > 0) best = v;
                        }
                        return [best];
                    }
                    FhirPathValue total = values[0];
                    foreach (var v in values.Skip(1)) total = Operators.Arithmetic("+", total, v, position) ?? throw new FhirPathException($"{name}() overflowed", position);
                    if (name == "sum") return [total];
                    return Compiler.Single(Operators.Arithmetic("/", total, new FhirPathInteger(values.Count), position));
                };
            }
            case "aggregate":
            {
                Arity(call, 1, 2);
                var aggregator = Arg(call, 0);
                Evaluator? init = call.Arguments.Count == 2 ? Arg(call, 1) : null;
                return (env, input, focus) =>
                {
                    IReadOnlyList<FhirPathValue> total = init is null ? Empty : init(env, focus);
                    for (int i = 0; i < input.Count; i++)
                    {
                        total = aggregator(new Env(env.Globals, input[i], i, total), [input[i]]);
                    }
                    return total;
                };
            }
            default:
                throw new FhirPathException($"Unknown function '{call.Name}'", position);
        }
    }

    private static readonly ConcurrentDictionary<string, JsonElement> TypeInfos = new(StringComparer.Ordinal);

    /// <summary>type() (http://hl7.org/fhirpath/N1/#reflection): a SimpleTypeInfo with namespace and name.</summary>
    private static FhirPathValue TypeInfo(FhirPathValue value)
    {
        var json = TypeInfos.GetOrAdd(value.TypeNamespace + "." + value.TypeName, key =>
        {
            int dot = key.IndexOf('.');
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { ["namespace"] = key[..dot], ["name"] = key[(dot + 1)..] }));
            return doc.RootElement.Clone();
        });
        return new FhirPathNode(json, "SimpleTypeInfo", null);
    }

    private static IEnumerable<bool> Booleans(IReadOnlyList<FhirPathValue> input, int position) => input.Select(v =>
        Operators.ToSystem(v) is FhirPathBoolean b ? b.Value : throw new FhirPathException($"Expected Boolean items but found {v.TypeName}", position));

    private static IReadOnlyList<FhirPathValue> Where(Env env, IReadOnlyList<FhirPathValue> input, Evaluator criteria, int position)
    {
        if (input.Count == 0) return Empty;
        var output = new List<FhirPathValue>();
        for (int i = 0; i < input.Count; i++)
        {
            if (Operators.ToBoolean(criteria(env.For(input[i], i), [input[i]]), position) == true) output.Add(input[i]);
        }
        return output;
    }

    private static long? IntegerArgument(IReadOnlyList<FhirPathValue> values, int position)
    {
        if (values.Count == 0) return null;
        return values.Count == 1 && Operators.ToSystem(values[0]) is FhirPathInteger i ? i.Value
            : throw new FhirPathException("Expected an integer argument", position);
    }

    private static string? SingleString(IReadOnlyList<FhirPathValue> values, int position)
    {
        if (values.Count == 0) return null;
        if (values.Count > 1) throw new FhirPathException("Expected a single string", position);
        return Operators.AsString(values[0]) ?? throw new FhirPathException($"Expected a string but found {values[0].TypeName}", position);
    }

    private static Body StringFunction(CallNode call, Func<string, string?[], FhirPathValue?> apply)
    {
        var args = call.Arguments.Select(Compiler.Compile).ToArray();
        int position = call.Position;
        return (env, input, focus) =>
        {
            if (input.Count == 0) return Empty;
            if (input.Count > 1) throw new FhirPathException($"{call.Name}() needs a single string input", position);
            var s = Operators.AsString(input[0]);
            if (s is null) throw new FhirPathException($"{call.Name}() needs a string but found {input[0].TypeName}", position);
            var values = new string?[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                var a = args[i](env, focus);
                if (a.Count == 0) return Empty;
                values[i] = SingleString(a, position);
            }
            return Compiler.Single(apply(s, values));
        };
    }

    private static Body StringFunctionRaw(CallNode call, Func<string, FhirPathValue?[], FhirPathValue?> apply)
    {
        var args = call.Arguments.Select(Compiler.Compile).ToArray();
        int position = call.Position;
        return (env, input, focus) =>
        {
            if (input.Count == 0) return Empty;
            if (input.Count > 1) throw new FhirPathException($"{call.Name}() needs a single string input", position);
            var s = Operators.AsString(input[0]) ?? throw new FhirPathException($"{call.Name}() needs a string but found {input[0].TypeName}", position);
            var values = new FhirPathValue?[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                var a = args[i](env, focus);
                values[i] = a.Count == 1 ? Operators.ToSystem(a[0]) : null;
                if (i == 0 && values[i] is null) return Empty;
            }
            return Compiler.Single(apply(s, values));
        };
    }

    private static string Interleave(string s, string insert)
    {
        var sb = new StringBuilder(insert);
        foreach (var c in s) sb.Append(c).Append(insert);
        return sb.ToString();
    }

    private static T WithTimeout<T>(Func<T> match, int position)
    {
        try
        {
            return match();
        }
        catch (RegexMatchTimeoutException)
        {
            throw new FhirPathException("Regular expression took too long", position);
        }
    }

    private static Regex GetRegex(string pattern, int position)
    {
        try
        {
            return RegexCache.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1)));
        }
        catch (ArgumentException e)
        {
            throw new FhirPathException("Invalid regular expression: " + e.Message, position);
        }
    }

    private static Body Convert(int position, Func<FhirPathValue, FhirPathValue?> convert) => (_, input, _) =>
    {
        if (input.Count == 0) return Empty;
        if (input.Count > 1) throw new FhirPathException("Conversion needs a single value", position);
        return Compiler.Single(convert(input[0]));
    };

    private static Body Converts(int position, Func<FhirPathValue, FhirPathValue?> convert) => (_, input, _) =>
    {
        if (input.Count == 0) return Empty;
        if (input.Count > 1) throw new FhirPathException("Conversion needs a single value", position);
        return Bool(convert(input[0]) is not null);
    };

    private static FhirPathValue? ToBoolean(FhirPathValue value) => Operators.ToSystem(value) switch
    {
        FhirPathBoolean b => b,
        FhirPathInteger { Value: 1 } => FhirPathBoolean.True,
        FhirPathInteger { Value: 0 } => FhirPathBoolean.False,
        FhirPathDecimal d when d.Value == 1m => FhirPathBoolean.True,
        FhirPathDecimal d when d.Value == 0m => FhirPathBoolean.False,
        FhirPathString s => s.Value.ToLowerInvariant() switch
        {
            "true" or "t" or "yes" or "y" or "1" or "1.0" => FhirPathBoolean.True,
            "false" or "f" or "no" or "n" or "0" or "0.0" => FhirPathBoolean.False,
            _ => null,
        },
        _ => null,
    };

    private static FhirPathValue? ToInteger(FhirPathValue value) => Operators.ToSystem(value) switch
    {
        FhirPathInteger i => i,
        FhirPathBoolean b => new FhirPathInteger(b.Value ? 1 : 0),
        FhirPathString s when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => new FhirPathInteger(l),
        _ => null,
    };

    private static FhirPathValue? ToDecimal(FhirPathValue value) => Operators.ToSystem(value) switch
    {
        FhirPathDecimal d => d,
        FhirPathInteger i => new FhirPathDecimal(i.Value),
        FhirPathBoolean b => new FhirPathDecimal(b.Value ? 1m : 0m),
        FhirPathString s when decimal.TryParse(s.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) => new FhirPathDecimal(d),
        _ => null,
    };

    private static FhirPathValue? ToStringValue(FhirPathValue value)
    {
        var system = Operators.ToSystem(value);
        return system switch
        {
            null => null,
            FhirPathString s => s,
            _ => new FhirPathString(system.ToString()),
        };
    }

    private static FhirPathValue? ToTemporal(FhirPathValue value, TemporalKind kind)
    {
        var system = Operators.ToSystem(value);
        PartialDateTime parsed;
        switch (system)
        {
            case FhirPathTemporal t: parsed = t.Value; break;
            case FhirPathString s when PartialDateTime.TryParse(s.Value, kind == TemporalKind.Time, out var p): parsed = p; break;
            default: return null;
        }
        if ((parsed.Kind == TemporalKind.Time) != (kind == TemporalKind.Time)) return null;
        if (kind == TemporalKind.Date)
        {
            var precision = parsed.Precision > DateTimePrecision.Day ? DateTimePrecision.Day : parsed.Precision;
            return new FhirPathTemporal(parsed with { Kind = TemporalKind.Date, Precision = precision, Hour = 0, Minute = 0, Second = 0, FractionTicks = 0, FractionDigits = 0, Offset = null });
        }
        return new FhirPathTemporal(parsed with { Kind = kind });
    }

    private static FhirPathValue? ToQuantityValue(FhirPathValue value)
    {
        if (Operators.ToQuantity(value) is { } q) return q;
        if (Operators.AsString(value) is { } s)
        {
            var trimmed = s.Trim();
            int space = trimmed.IndexOf(' ');
            var number = space < 0 ? trimmed : trimmed[..space];
            if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)) return null;
            var unit = space < 0 ? "1" : trimmed[(space + 1)..].Trim().Trim('\'');
            return new FhirPathQuantity(d, unit);
        }
        return null;
    }

    private static Body Math1(int position, Func<decimal, decimal> onDecimal, Func<long, long> onInteger, bool integerResult = false) => (_, input, _) =>
    {
        if (input.Count == 0) return Empty;
        if (input.Count > 1) throw new FhirPathException("Math functions need a single value", position);
        return Operators.ToSystem(input[0]) switch
        {
            FhirPathInteger i => [new FhirPathInteger(onInteger(i.Value))],
            FhirPathDecimal d => integerResult ? [new FhirPathInteger((long)onDecimal(d.Value))] : [new FhirPathDecimal(onDecimal(d.Value))],
            FhirPathQuantity q => [new FhirPathQuantity(onDecimal(q.Value), q.Unit)],
            _ => throw new FhirPathException("Math functions need a number", position),
        };
    };

    private static Body MathDouble(int position, Func<double, double> apply) => (_, input, _) =>
    {
        if (input.Count == 0) return Empty;
        if (!Operators.TryNumber(Operators.ToSystem(input[0]), out var d)) throw new FhirPathException("Math functions need a number", position);
        return FromDouble(apply((double)d));
    };

    // sqrt/exp/ln/log/power are irrational in general; the spec allows approximate results for them.
    private static IReadOnlyList<FhirPathValue> FromDouble(double value) =>
        double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) > (double)decimal.MaxValue ? Empty : [new FhirPathDecimal((decimal)value)];

    private static FhirPathTemporal Temporal(DateTimeOffset now, TemporalKind kind)
    {
        var precision = kind == TemporalKind.Date ? DateTimePrecision.Day : DateTimePrecision.Millisecond;
        return new FhirPathTemporal(new PartialDateTime(kind, precision, now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second,
            (int)(now.Ticks % TimeSpan.TicksPerSecond), 3, kind == TemporalKind.DateTime ? now.Offset : null));
    }
}
