using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.FhirPath;

/// <summary>Evaluates a compiled (sub)expression for a focus collection.</summary>
internal delegate IReadOnlyList<FhirPathValue> Evaluator(Env env, IReadOnlyList<FhirPathValue> focus);

/// <summary>What one evaluation shares: definitions, the environment variables and the options.</summary>
internal sealed class Globals(FhirDefinitions definitions, FhirPathContext? context, FhirPathValue? resource, FhirPathValue? rootResource)
{
    public FhirDefinitions Definitions { get; } = definitions;
    public FhirPathContext? Context { get; } = context;
    public FhirPathValue? Resource { get; } = resource;
    public FhirPathValue? RootResource { get; } = rootResource;
    public IReadOnlyList<FhirPathValue> OriginalFocus { get; set; } = [];
    private DateTimeOffset? _now;

    /// <summary>now(), today() and timeOfDay(): read once per evaluation when first asked (most expressions never ask, and the local clock is not free).</summary>
    public DateTimeOffset Now => _now ??= Context?.Now ?? DateTimeOffset.Now;
}

/// <summary>The iteration variables in scope: <c>$this</c>, <c>$index</c>, <c>$total</c>.</summary>
internal sealed class Env(Globals globals, FhirPathValue? @this, int index, IReadOnlyList<FhirPathValue>? total)
{
    public Globals Globals { get; } = globals;
    public FhirPathValue? This { get; } = @this;
    public int Index { get; } = index;
    public IReadOnlyList<FhirPathValue>? Total { get; } = total;

    public Env For(FhirPathValue item, int index) => new(Globals, item, index, Total);

    public Env WithTotal(IReadOnlyList<FhirPathValue> total) => new(Globals, This, Index, total);
}

/// <summary>
/// Turns the syntax tree into a tree of closures once, so evaluation does no name lookups, parsing or
/// reflection. Function names are bound here; an unknown function is a compile error with its position.
/// </summary>
internal static class Compiler
{
    public static readonly IReadOnlyList<FhirPathValue> Empty = [];

    public static Evaluator Compile(AstNode node) => node switch
    {
        LiteralNode literal => CompileLiteral(literal),
        IdentifierNode identifier => CompileIdentifier(identifier),
        MemberNode member => CompileMember(member),
        CallNode call => Functions.Compile(call),
        IndexerNode indexer => CompileIndexer(indexer),
        VariableNode variable => CompileVariable(variable),
        ExternalConstantNode constant => CompileConstant(constant),
        UnaryNode unary => CompileUnary(unary),
        BinaryNode binary => CompileBinary(binary),
        TypeOperatorNode typeOperator => CompileTypeOperator(typeOperator),
        _ => throw new FhirPathException("Unsupported expression", node.Position),
    };

    public static IReadOnlyList<FhirPathValue> Single(FhirPathValue? value) => value is null ? Empty : [value];

    private static Evaluator CompileLiteral(LiteralNode literal)
    {
        var result = Single(literal.Value);
        return (_, _) => result;
    }

    private static Evaluator CompileIdentifier(IdentifierNode identifier)
    {
        var name = identifier.Name;
        var extensionName = "_" + name;
        bool mayBeType = char.IsAsciiLetterUpper(name[0]);
        return (env, focus) =>
        {
            if (focus.Count == 0) return Empty;
            List<FhirPathValue>? output = null;
            foreach (var item in focus)
            {
                if (item is not FhirPathNode node) continue;
                if (mayBeType)
                {
                    // A path may start with the type of its focus: `Observation.value` on an Observation.
                    if (node.FhirType == name ||
                        (name is "Resource" or "DomainResource" && TypeMatching.IsOfType(env.Globals.Definitions, node.FhirType, name)))
                    {
                        (output ??= []).Add(item);
                        continue;
                    }
                    // `Condition.code` on a Patient: another type's path; element names are never capitalized.
                    if (env.Globals.Definitions.IsResourceType(name)) continue;
                }
                Navigation.Member(node, name, extensionName, env.Globals.Definitions, output ??= []);
            }
            return output is null || output.Count == 0 ? Empty : output;
        };
    }

    private static Evaluator CompileMember(MemberNode member)
    {
        var target = Compile(member.Target);
        var name = member.Name;
        var extensionName = "_" + name;
        return (env, focus) =>
        {
            var input = target(env, focus);
            if (input.Count == 0) return Empty;
            var output = new List<FhirPathValue>();
            foreach (var item in input)
            {
                if (item is FhirPathNode node) Navigation.Member(node, name, extensionName, env.Globals.Definitions, output);
            }
            return output.Count == 0 ? Empty : output;
        };
    }

    private static Evaluator CompileIndexer(IndexerNode indexer)
    {
        var target = Compile(indexer.Target);
        var index = Compile(indexer.Index);
        int position = indexer.Position;
        return (env, focus) =>
        {
            var input = target(env, focus);
            var i = index(env, focus);
            if (i.Count == 0 || input.Count == 0) return Empty;
            if (i.Count != 1 || Operators.ToSystem(i[0]) is not FhirPathInteger n)
                throw new FhirPathException("An index must be a single integer", position);
            return n.Value >= 0 && n.Value < input.Count ? [input[(int)n.Value]] : Empty;
        };
    }

    private static Evaluator CompileVariable(VariableNode variable) => variable.Name switch
    {
        "this" => (env, focus) => env.This is { } t ? [t] : focus,
        "index" => (env, _) => [new FhirPathInteger(env.Index)],
        _ => (env, _) => env.Total ?? Empty,
    };

    private static Evaluator CompileConstant(ExternalConstantNode constant)
    {
        var name = constant.Name;
        var position = constant.Position;
        IReadOnlyList<FhirPathValue>? fixedValue = name switch
        {
            "ucum" => [new FhirPathString("http://unitsofmeasure.org")],
            "sct" => [new FhirPathString("http://snomed.info/sct")],
            "loinc" => [new FhirPathString("http://loinc.org")],
            _ when name.StartsWith("vs-", StringComparison.Ordinal) => [new FhirPathString("http://hl7.org/fhir/ValueSet/" + name[3..])],
            _ when name.StartsWith("ext-", StringComparison.Ordinal) => [new FhirPathString("http://hl7.org/fhir/StructureDefinition/" + name[4..])],
            _ => null,
        };
        return (env, focus) =>
        {
            var globals = env.Globals;
            if (globals.Context?.Variables is { } variables && variables.TryGetValue(name, out var value)) return value;
            if (fixedValue is not null) return fixedValue;
            return name switch
            {
                "resource" => Single(globals.Resource),
                "rootResource" => Single(globals.RootResource ?? globals.Resource),
                "context" => globals.OriginalFocus,
                _ => throw new FhirPathException($"Unknown variable %{name}", position),
            };
        };
    }

    private static Evaluator CompileUnary(UnaryNode unary)
    {
        var operand = Compile(unary.Operand);
        if (unary.Operator == "+") return operand;
        int position = unary.Position;
        return (env, focus) =>
        {
            var values = operand(env, focus);
            if (values.Count == 0) return Empty;
            if (values.Count > 1) throw new FhirPathException("Unary minus needs a single value", position);
            return Operators.ToSystem(values[0]) switch
            {
                FhirPathInteger i => [new FhirPathInteger(-i.Value)],
                FhirPathDecimal d => [new FhirPathDecimal(-d.Value)],
                FhirPathQuantity q => [new FhirPathQuantity(-q.Value, q.Unit)],
                _ => throw new FhirPathException("Unary minus needs a number or quantity", position),
            };
        };
    }

    private static Evaluator CompileTypeOperator(TypeOperatorNode node)
    {
        var operand = Compile(node.Operand);
        var type = node.Type;
        int position = node.Position;
        if (node.Operator == "is")
        {
            return (env, focus) =>
            {
                var values = operand(env, focus);
                if (values.Count == 0) return Empty;
                if (values.Count > 1) throw new FhirPathException("'is' needs a single value", position);
                return [FhirPathBoolean.Of(TypeMatching.Matches(env.Globals.Definitions, values[0], type))];
            };
        }
        return (env, focus) =>
        {
            var values = operand(env, focus);
            return TypeMatching.As(env, values, type, position);
        };
    }

    private static Evaluator CompileBinary(BinaryNode node)
    {
        var left = Compile(node.Left);
        var right = Compile(node.Right);
        int position = node.Position;
        switch (node.Operator)
        {
            case "|":
                return (env, focus) => Collections.Union(left(env, focus), right(env, focus));
            case "and":
                return (env, focus) =>
                {
                    var l = Operators.ToBoolean(left(env, focus), position);
                    if (l == false) return [FhirPathBoolean.False];
                    var r = Operators.ToBoolean(right(env, focus), position);
                    if (r == false) return [FhirPathBoolean.False];
                    return l == true && r == true ? [FhirPathBoolean.True] : Empty;
                };
            case "or":
                return (env, focus) =>
                {
                    var l = Operators.ToBoolean(left(env, focus), position);
                    if (l == true) return [FhirPathBoolean.True];
                    var r = Operators.ToBoolean(right(env, focus), position);
                    if (r == true) return [FhirPathBoolean.True];
                    return l == false && r == false ? [FhirPathBoolean.False] : Empty;
                };
            case "xor":
                return (env, focus) =>
                {
                    var l = Operators.ToBoolean(left(env, focus), position);
                    var r = Operators.ToBoolean(right(env, focus), position);
                    return l is null || r is null ? Empty : [FhirPathBoolean.Of(l.Value != r.Value)];
                };
            case "implies":
                return (env, focus) =>
                {
                    var l = Operators.ToBoolean(left(env, focus), position);
                    if (l == false) return [FhirPathBoolean.True];
                    var r = Operators.ToBoolean(right(env, focus), position);
                    if (r == true) return [FhirPathBoolean.True];
                    return l == true && r == false ? [FhirPathBoolean.False] : Empty;
                };
            case "=":
            case "!=":
            {
                bool negate = node.Operator == "!=";
                return (env, focus) =>
                {
                    var eq = Operators.CollectionEquals(left(env, focus), right(env, focus));
                    return eq is null ? Empty : [FhirPathBoolean.Of(eq.Value != negate)];
                };
            }
            case "~":
            case "!~":
            {
                bool negate = node.Operator == "!~";
                return (env, focus) => [FhirPathBoolean.Of(Operators.CollectionEquivalent(left(env, focus), right(env, focus)) != negate)];
            }
            case "<":
            case ">":
            case "<=":
            case ">=":
            {
                var op = node.Operator;
                return (env, focus) =>
                {
                    var l = left(env, focus);
                    var r = right(env, focus);
                    if (l.Count == 0 || r.Count == 0) return Empty;
                    if (l.Count > 1 || r.Count > 1) throw new FhirPathException($"'{op}' needs single values", position);
                    var c = Operators.Compare(l[0], r[0], position);
                    if (c is null) return Empty;
                    return [FhirPathBoolean.Of(op switch { "<" => c < 0, ">" => c > 0, "<=" => c <= 0, _ => c >= 0 })];
                };
            }
            case "in":
                return (env, focus) => Collections.Membership(left(env, focus), right(env, focus), position);
            case "contains":
                return (env, focus) => Collections.Membership(right(env, focus), left(env, focus), position);
            case "&":
                return (env, focus) =>
                {
                    var l = left(env, focus);
                    var r = right(env, focus);
                    if (l.Count > 1 || r.Count > 1) throw new FhirPathException("'&' needs single values", position);
                    string a = l.Count == 0 ? "" : Operators.ToSystem(l[0])?.ToString() ?? "";
                    string b = r.Count == 0 ? "" : Operators.ToSystem(r[0])?.ToString() ?? "";
                    return [new FhirPathString(a + b)];
                };
            default:
            {
                var op = node.Operator;
                return (env, focus) =>
                {
                    var l = left(env, focus);
                    var r = right(env, focus);
                    if (l.Count == 0 || r.Count == 0) return Empty;
                    if (l.Count > 1 || r.Count > 1) throw new FhirPathException($"'{op}' needs single values", position);
                    return Single(Operators.Arithmetic(op, l[0], r[0], position));
                };
            }
        }
    }
}

/// <summary>Type tests for <c>is</c>, <c>as</c> and <c>ofType</c> (http://hl7.org/fhirpath/N1/#types).</summary>
internal static class TypeMatching
{
    public static bool Matches(FhirDefinitions definitions, FhirPathValue value, TypeSpecifier type)
    {
        switch (value)
        {
            case FhirPathNode node:
                if (type.Namespace == "System") return false;
                return IsOfType(definitions, node.FhirType, type.Name);
            case FhirPathResolvedReference reference:
                if (type.Namespace == "System") return false;
                return IsOfType(definitions, reference.ResourceType, type.Name);
            default:
                if (type.Namespace == "FHIR") return false;
                return value.TypeName == type.Name;
        }
    }

    /// <summary>True when <paramref name="type"/> is <paramref name="wanted"/> or derives from it.</summary>
    public static bool IsOfType(FhirDefinitions definitions, string type, string wanted)
    {
        if (type == wanted) return true;
        var structure = definitions.GetStructure(type);
        for (int depth = 0; structure?.BaseDefinition is { } baseUrl && depth < 10; depth++)
        {
            structure = definitions.GetStructure(baseUrl);
            if (structure?.Type == wanted) return true;
        }
        return false;
    }

    /// <summary><c>as</c> (http://hl7.org/fhirpath/N1/#as-type-specifier): the single input if it is of the type.</summary>
    public static IReadOnlyList<FhirPathValue> As(Env env, IReadOnlyList<FhirPathValue> values, TypeSpecifier type, int position)
    {
        if (values.Count == 0) return Compiler.Empty;
        if (values.Count > 1 && env.Globals.Context?.LenientAs != true)
            throw new FhirPathException($"'as' needs a single value but found {values.Count}", position);
        var output = new List<FhirPathValue>(values.Count);
        foreach (var v in values)
        {
            if (Matches(env.Globals.Definitions, v, type)) output.Add(v);
        }
        return output;
    }
}

/// <summary>Collection helpers shared by operators and functions.</summary>
internal static class Collections
{
    public static IReadOnlyList<FhirPathValue> Union(IReadOnlyList<FhirPathValue> a, IReadOnlyList<FhirPathValue> b)
    {
        if (a.Count + b.Count == 0) return Compiler.Empty;
        if (a.Count + b.Count == 1) return a.Count == 1 ? a : b;
        var output = new List<FhirPathValue>(a.Count + b.Count);
        foreach (var v in a) AddDistinct(output, v);
        foreach (var v in b) AddDistinct(output, v);
        return output;
    }

    public static void AddDistinct(List<FhirPathValue> output, FhirPathValue value)
    {
        foreach (var existing in output)
        {
            if (ReferenceEquals(existing, value) || Operators.ItemEquals(existing, value) == true) return;
        }
        output.Add(value);
    }

    public static bool Contains(IReadOnlyList<FhirPathValue> collection, FhirPathValue value)
    {
        foreach (var item in collection)
        {
            if (Operators.ItemEquals(item, value) == true) return true;
        }
        return false;
    }

    public static IReadOnlyList<FhirPathValue> Membership(IReadOnlyList<FhirPathValue> item, IReadOnlyList<FhirPathValue> collection, int position)
    {
        if (item.Count == 0) return Compiler.Empty;
        if (item.Count > 1) throw new FhirPathException("Membership test needs a single value", position);
        return [FhirPathBoolean.Of(Contains(collection, item[0]))];
    }
}
