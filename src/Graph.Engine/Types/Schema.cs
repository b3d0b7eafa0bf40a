using Graph.Engine.Execution;
using Graph.Engine.Language;

namespace Graph.Engine.Types;

public enum TypeKind { Scalar, Object, Interface, Union, Enum, InputObject, List, NonNull }

/// <summary>
/// A type reference: a named type or a List / Non-Null wrapper.
/// https://spec.graphql.org/October2021/#sec-Types
/// </summary>
public abstract class GraphType
{
    public abstract TypeKind Kind { get; }

    public NamedType NamedType => this switch
    {
        NamedType n => n,
        ListType l => l.OfType.NamedType,
        NonNullType nn => nn.OfType.NamedType,
        _ => throw new InvalidOperationException(),
    };

    public GraphType Nullable => this is NonNullType nn ? nn.OfType : this;
    public bool IsNonNull => this is NonNullType;
    public bool IsInputType => NamedType is ScalarType or EnumType or InputObjectType;
    public bool IsOutputType => NamedType is ScalarType or EnumType or ObjectType or InterfaceType or UnionType;
    public bool IsLeaf => NamedType is ScalarType or EnumType;
    public bool IsComposite => NamedType is ObjectType or InterfaceType or UnionType;

    public static bool AreEqual(GraphType a, GraphType b) => a switch
    {
        NamedType na => ReferenceEquals(na, b),
        ListType la => b is ListType lb && AreEqual(la.OfType, lb.OfType),
        NonNullType nna => b is NonNullType nnb && AreEqual(nna.OfType, nnb.OfType),
        _ => false,
    };
}

public sealed class ListType(GraphType ofType) : GraphType
{
    public GraphType OfType { get; } = ofType;
    public override TypeKind Kind => TypeKind.List;
    public override string ToString() => $"[{OfType}]";
}

public sealed class NonNullType(GraphType ofType) : GraphType
{
    public GraphType OfType { get; } = ofType;
    public override TypeKind Kind => TypeKind.NonNull;
    public override string ToString() => $"{OfType}!";
}

public abstract class NamedType(string name) : GraphType
{
    public string Name { get; } = name;
    public string? Description { get; internal set; }
    public IReadOnlyList<DirectiveNode> AppliedDirectives { get; internal set; } = [];
    public override string ToString() => Name;
    public bool IsIntrospection => Name.StartsWith("__", StringComparison.Ordinal);
}

/// <summary>Field-bearing types: objects and interfaces.</summary>
public abstract class ComplexType(string name) : NamedType(name)
{
    internal Dictionary<string, FieldDefinition> FieldMap { get; } = new(StringComparer.Ordinal);
    internal List<FieldDefinition> FieldList { get; } = [];
    internal List<InterfaceType> InterfaceList { get; } = [];
    public IReadOnlyList<FieldDefinition> Fields => FieldList;
    public IReadOnlyList<InterfaceType> Interfaces => InterfaceList;
    public FieldDefinition? GetField(string name) => FieldMap.GetValueOrDefault(name);

    internal void AddField(FieldDefinition f)
    {
        FieldMap[f.Name] = f;
        FieldList.Add(f);
    }
}

public sealed class ObjectType(string name) : ComplexType(name)
{
    public override TypeKind Kind => TypeKind.Object;
    /// <summary>Optional check that a runtime value belongs to this type (used for abstract type resolution).</summary>
    public Func<object, bool>? IsTypeOf { get; internal set; }
    public Type? ClrType { get; internal set; }
}

public delegate string? TypeResolver(object value, ResolverContext context);

public sealed class InterfaceType(string name) : ComplexType(name)
{
    public override TypeKind Kind => TypeKind.Interface;
    public TypeResolver? ResolveType { get; internal set; }
}

public sealed class UnionType(string name) : NamedType(name)
{
    internal List<ObjectType> TypeList { get; } = [];
    public IReadOnlyList<ObjectType> Types => TypeList;
    public override TypeKind Kind => TypeKind.Union;
    public TypeResolver? ResolveType { get; internal set; }
}

public sealed class EnumValueDefinition(string name)
{
    public string Name { get; } = name;
    public string? Description { get; internal set; }
    public string? DeprecationReason { get; internal set; }
    public bool IsDeprecated => DeprecationReason is not null;
    public IReadOnlyList<DirectiveNode> AppliedDirectives { get; internal set; } = [];
    /// <summary>The runtime value resolvers see; the name unless bound otherwise.</summary>
    public object Value { get; internal set; } = name;
}

public sealed class EnumType(string name) : NamedType(name)
{
    internal List<EnumValueDefinition> ValueList { get; } = [];
    internal Dictionary<string, EnumValueDefinition> ValueMap { get; } = new(StringComparer.Ordinal);
    public IReadOnlyList<EnumValueDefinition> Values => ValueList;
    public override TypeKind Kind => TypeKind.Enum;
    public EnumValueDefinition? GetValue(string name) => ValueMap.GetValueOrDefault(name);

    /// <summary>Result coercion: runtime value to enum name (spec 3.9 Result Coercion).</summary>
    public string? Serialize(object value)
    {
        if (value is string s) return ValueMap.ContainsKey(s) ? s : null;
        foreach (var v in ValueList)
            if (Equals(v.Value, value)) return v.Name;
        if (value is Enum e) { var n = e.ToString(); return ValueMap.ContainsKey(n) ? n : null; }
        return null;
    }
}

public sealed class InputObjectType(string name) : NamedType(name)
{
    internal List<InputValueDefinition> FieldList { get; } = [];
    internal Dictionary<string, InputValueDefinition> FieldMap { get; } = new(StringComparer.Ordinal);
    public IReadOnlyList<InputValueDefinition> Fields => FieldList;
    public override TypeKind Kind => TypeKind.InputObject;
    public bool IsOneOf { get; internal set; }
    public InputValueDefinition? GetField(string name) => FieldMap.GetValueOrDefault(name);
}

public sealed class InputValueDefinition(string name, GraphType type)
{
    public string Name { get; } = name;
    public GraphType Type { get; internal set; } = type;
    public string? Description { get; internal set; }
    public ValueNode? DefaultValue { get; internal set; }
    public string? DeprecationReason { get; internal set; }
    public bool IsDeprecated => DeprecationReason is not null;
    public IReadOnlyList<DirectiveNode> AppliedDirectives { get; internal set; } = [];
}

public sealed class FieldDefinition(string name, GraphType type)
{
    public string Name { get; } = name;
    public GraphType Type { get; internal set; } = type;
    public string? Description { get; internal set; }
    public string? DeprecationReason { get; internal set; }
    public bool IsDeprecated => DeprecationReason is not null;
    public IReadOnlyList<DirectiveNode> AppliedDirectives { get; internal set; } = [];
    internal List<InputValueDefinition> ArgumentList { get; } = [];
    public IReadOnlyList<InputValueDefinition> Arguments => ArgumentList;
    public InputValueDefinition? GetArgument(string name)
    {
        foreach (var a in ArgumentList) if (a.Name == name) return a;
        return null;
    }

    /// <summary>Synchronous resolver; preferred by the executor because it allocates no task.</summary>
    public Func<ResolverContext, object?>? Resolver { get; internal set; }
    public Func<ResolverContext, ValueTask<object?>>? AsyncResolver { get; internal set; }
    /// <summary>Name of the argument giving the page size of a list field, for cost analysis.</summary>
    public string? PageSizeArgument { get; internal set; }
    internal PropertyAccessorCache Accessors { get; } = new();
}

public sealed class DirectiveDefinition(string name)
{
    public string Name { get; } = name;
    public string? Description { get; internal set; }
    internal List<InputValueDefinition> ArgumentList { get; } = [];
    public IReadOnlyList<InputValueDefinition> Arguments => ArgumentList;
    public IReadOnlyList<string> Locations { get; internal set; } = [];
    public bool IsRepeatable { get; internal set; }
    public InputValueDefinition? GetArgument(string name)
    {
        foreach (var a in ArgumentList) if (a.Name == name) return a;
        return null;
    }
}

/// <summary>
/// An immutable, validated schema. Build it with <see cref="SchemaBuilder"/>.
/// https://spec.graphql.org/October2021/#sec-Schema
/// </summary>
public sealed class Schema
{
    internal Schema() { }

    public string? Description { get; internal set; }
    public ObjectType QueryType { get; internal set; } = null!;
    public ObjectType? MutationType { get; internal set; }
    public ObjectType? SubscriptionType { get; internal set; }
    internal Dictionary<string, NamedType> TypeMap { get; } = new(StringComparer.Ordinal);
    internal List<NamedType> TypeList { get; } = [];
    internal List<DirectiveDefinition> DirectiveList { get; } = [];
    internal Dictionary<ComplexType, List<ObjectType>> Implementations { get; } = [];
    internal Dictionary<ComplexType, List<InterfaceType>> InterfaceImplementations { get; } = [];
    internal Dictionary<Type, ObjectType> ClrTypeMap { get; } = [];

    /// <summary>Types in the order graphql-js's schema constructor collects them, so introspection lists agree.</summary>
    public IReadOnlyList<NamedType> Types => TypeList;
    public FieldDefinition SchemaMetaField { get; internal set; } = null!;
    public FieldDefinition TypeMetaField { get; internal set; } = null!;
    public FieldDefinition TypeNameMetaField { get; internal set; } = null!;

    /// <summary>Looks up a field including the introspection meta-fields valid on <paramref name="parent"/>.</summary>
    public FieldDefinition? GetFieldIncludingMeta(NamedType parent, string name)
    {
        if (name.Length > 2 && name[0] == '_' && name[1] == '_')
        {
            if (name == "__typename" && parent is ComplexType or UnionType) return TypeNameMetaField;
            if (ReferenceEquals(parent, QueryType))
            {
                if (name == "__schema") return SchemaMetaField;
                if (name == "__type") return TypeMetaField;
            }
        }
        return parent is ComplexType ct ? ct.GetField(name) : null;
    }
    public IReadOnlyList<DirectiveDefinition> Directives => DirectiveList;

    public NamedType? GetType(string name) => TypeMap.GetValueOrDefault(name);
    public DirectiveDefinition? GetDirective(string name)
    {
        foreach (var d in DirectiveList) if (d.Name == name) return d;
        return null;
    }

    public ObjectType? GetRootType(OperationType op) => op switch
    {
        OperationType.Query => QueryType,
        OperationType.Mutation => MutationType,
        _ => SubscriptionType,
    };

    public IReadOnlyList<ObjectType> GetPossibleTypes(NamedType abstractType) => abstractType switch
    {
        UnionType u => u.TypeList,
        InterfaceType i => Implementations.TryGetValue(i, out var l) ? l : [],
        ObjectType o => [o],
        _ => [],
    };

    public bool IsSubType(NamedType abstractType, NamedType maybeSub) => abstractType switch
    {
        UnionType u => maybeSub is ObjectType o && u.TypeList.Contains(o),
        InterfaceType i => maybeSub switch
        {
            ObjectType o => o.InterfaceList.Contains(i),
            InterfaceType mi => mi.InterfaceList.Contains(i),
            _ => false,
        },
        _ => false,
    };

    /// <summary>Builds a type reference from an AST type; null when a named type is unknown.</summary>
    public GraphType? FromAst(TypeNode node) => node switch
    {
        NamedTypeNode n => GetType(n.Name),
        ListTypeNode l => FromAst(l.Type) is { } t ? new ListType(t) : null,
        NonNullTypeNode nn => FromAst(nn.Type) is { } t2 ? new NonNullType(t2) : null,
        _ => null,
    };

    public static bool DoTypesOverlap(Schema schema, NamedType a, NamedType b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is InterfaceType or UnionType)
        {
            if (b is InterfaceType or UnionType)
                return schema.GetPossibleTypes(b).Any(t => schema.IsSubType(a, t));
            return schema.IsSubType(a, b);
        }
        if (b is InterfaceType or UnionType) return schema.IsSubType(b, a);
        return false;
    }

    public static bool IsTypeSubTypeOf(Schema schema, GraphType maybeSub, GraphType super)
    {
        if (ReferenceEquals(maybeSub, super)) return true;
        if (super is NonNullType sn) return maybeSub is NonNullType mn && IsTypeSubTypeOf(schema, mn.OfType, sn.OfType);
        if (maybeSub is NonNullType mn2) return IsTypeSubTypeOf(schema, mn2.OfType, super);
        if (super is ListType sl) return maybeSub is ListType ml && IsTypeSubTypeOf(schema, ml.OfType, sl.OfType);
        if (maybeSub is ListType) return false;
        return super is InterfaceType or UnionType && maybeSub is NamedType mnt && super is NamedType snt && schema.IsSubType(snt, mnt);
    }

    /// <summary>Prints the schema as SDL in the layout of graphql-js printSchema.</summary>
    public string Print() => SchemaPrinter.Print(this);
}
