using System.Text;
using Graph.Engine.Language;

namespace Graph.Engine.Types;

/// <summary>Prints a schema as SDL in the same layout as graphql-js printSchema, so the two can be compared byte for byte.</summary>
public static class SchemaPrinter
{
    public static string Print(Schema schema)
    {
        var parts = new List<string>();
        if (schema.Description is not null || !HasDefaultRootNames(schema))
        {
            var sb = new StringBuilder(Description(schema.Description, "", true)).Append("schema {\n");
            sb.Append("  query: ").Append(schema.QueryType.Name).Append('\n');
            if (schema.MutationType is not null) sb.Append("  mutation: ").Append(schema.MutationType.Name).Append('\n');
            if (schema.SubscriptionType is not null) sb.Append("  subscription: ").Append(schema.SubscriptionType.Name).Append('\n');
            parts.Add(sb.Append('}').ToString());
        }
        foreach (var d in schema.DirectiveList)
            if (d.Name is not ("include" or "skip" or "deprecated" or "specifiedBy" or "oneOf")) parts.Add(PrintDirective(d));
        foreach (var t in schema.TypeList)
            if (!t.IsIntrospection && !(t is ScalarType { IsBuiltIn: true })) parts.Add(PrintType(t));
        return string.Join("\n\n", parts);
    }

    private static bool HasDefaultRootNames(Schema s) =>
        s.QueryType.Name == "Query" && (s.MutationType?.Name ?? "Mutation") == "Mutation" && (s.SubscriptionType?.Name ?? "Subscription") == "Subscription"
        && (s.MutationType is not null || s.GetType("Mutation") is null) && (s.SubscriptionType is not null || s.GetType("Subscription") is null);

    private static string Description(string? description, string indent, bool first)
    {
        if (description is null) return "";
        var text = Printer.IsPrintableAsBlockString(description) ? Printer.PrintBlockString(description) : Printer.PrintString(description);
        var prefix = indent.Length > 0 && !first ? "\n" + indent : indent;
        return prefix + text.Replace("\n", "\n" + indent) + "\n";
    }

    private static string Deprecated(string? reason) =>
        reason is null ? "" : reason == "No longer supported" ? " @deprecated" : $" @deprecated(reason: {Printer.PrintString(reason)})";

    private static string InputValue(InputValueDefinition v)
    {
        var s = $"{v.Name}: {v.Type}";
        if (v.DefaultValue is not null) s += " = " + Printer.Print(v.DefaultValue);
        return s + Deprecated(v.DeprecationReason);
    }

    private static string Args(IReadOnlyList<InputValueDefinition> args, string indent)
    {
        if (args.Count == 0) return "";
        if (args.All(a => a.Description is null)) return "(" + string.Join(", ", args.Select(InputValue)) + ")";
        return "(\n" + string.Join("\n", args.Select((a, i) => Description(a.Description, "  " + indent, i == 0) + "  " + indent + InputValue(a))) + "\n" + indent + ")";
    }

    private static string Block(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "" : " {\n" + string.Join("\n", list) + "\n}";
    }

    private static string PrintDirective(DirectiveDefinition d) =>
        Description(d.Description, "", true) + "directive @" + d.Name + Args(d.Arguments, "") + (d.IsRepeatable ? " repeatable" : "") + " on " + string.Join(" | ", d.Locations);

    private static string Implements(ComplexType t) => t.InterfaceList.Count == 0 ? "" : " implements " + string.Join(" & ", t.InterfaceList.Select(i => i.Name));

    private static string Fields(ComplexType t) =>
        Block(t.FieldList.Select((f, i) => Description(f.Description, "  ", i == 0) + "  " + f.Name + Args(f.Arguments, "  ") + ": " + f.Type + Deprecated(f.DeprecationReason)));

    public static string PrintType(NamedType t) => t switch
    {
        ScalarType s => Description(s.Description, "", true) + "scalar " + s.Name + (s.SpecifiedByUrl is null ? "" : $" @specifiedBy(url: {Printer.PrintString(s.SpecifiedByUrl)})"),
        ObjectType o => Description(o.Description, "", true) + "type " + o.Name + Implements(o) + Fields(o),
        InterfaceType i => Description(i.Description, "", true) + "interface " + i.Name + Implements(i) + Fields(i),
        UnionType u => Description(u.Description, "", true) + "union " + u.Name + (u.TypeList.Count > 0 ? " = " + string.Join(" | ", u.TypeList.Select(m => m.Name)) : ""),
        EnumType e => Description(e.Description, "", true) + "enum " + e.Name + Block(e.ValueList.Select((v, i) => Description(v.Description, "  ", i == 0) + "  " + v.Name + Deprecated(v.DeprecationReason))),
        InputObjectType io => Description(io.Description, "", true) + "input " + io.Name + (io.IsOneOf ? " @oneOf" : "") + Block(io.FieldList.Select((f, i) => Description(f.Description, "  ", i == 0) + "  " + InputValue(f))),
        _ => throw new InvalidOperationException(),
    };
}
