using System.Text;

namespace Graph.Engine.Language;

/// <summary>Prints AST nodes back to GraphQL source in the canonical layout used by graphql-js.</summary>
public static class Printer
{
    public static string Print(SyntaxNode node)
    {
        var sb = new StringBuilder();
        Write(sb, node, "");
        return sb.ToString();
    }

    public static string PrintString(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) sb.Append("\\u").Append(((int)c).ToString("X4"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Mirrors graphql-js printBlockString so printed descriptions round-trip.</summary>
    public static string PrintBlockString(string value)
    {
        var escaped = value.Replace("\"\"\"", "\\\"\"\"");
        var lines = escaped.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var isSingleLine = lines.Length == 1;
        var forceLeadingNewLine = lines.Length > 1 && lines.Skip(1).All(l => l.Length == 0 || l[0] == ' ' || l[0] == '\t');
        var hasTrailingTripleQuotes = escaped.EndsWith("\\\"\"\"", StringComparison.Ordinal);
        var hasTrailingQuote = value.EndsWith('"') && !hasTrailingTripleQuotes;
        var hasTrailingSlash = value.EndsWith('\\');
        var forceTrailingNewline = hasTrailingQuote || hasTrailingSlash;
        var multiple = !isSingleLine || value.Length > 70 || forceTrailingNewline || forceLeadingNewLine || hasTrailingTripleQuotes;
        var sb = new StringBuilder("\"\"\"");
        var skipLeadingNewLine = isSingleLine && value.Length > 0 && (value[0] == ' ' || value[0] == '\t');
        if ((multiple && !skipLeadingNewLine) || forceLeadingNewLine) sb.Append('\n');
        sb.Append(escaped);
        if (multiple || forceTrailingNewline) sb.Append('\n');
        return sb.Append("\"\"\"").ToString();
    }

    /// <summary>graphql-js isPrintableAsBlockString: whether a block string keeps the exact value.</summary>
    public static bool IsPrintableAsBlockString(string value)
    {
        if (value.Length == 0) return true;
        bool isEmptyLine = true, hasIndent = false, hasCommonIndent = true, seenNonEmptyLine = false;
        foreach (var c in value)
        {
            switch (c)
            {
                case '\r': return false;
                case '\n':
                    if (isEmptyLine && !seenNonEmptyLine) return false;
                    seenNonEmptyLine = true; isEmptyLine = true; hasIndent = false;
                    break;
                case '\t': case ' ':
                    hasIndent |= isEmptyLine;
                    break;
                default:
                    if (c < 0x20) return false;
                    hasCommonIndent &= hasIndent;
                    isEmptyLine = false;
                    break;
            }
        }
        if (isEmptyLine) return false;
        if (hasCommonIndent && seenNonEmptyLine) return false;
        return true;
    }

    private static void Join<T>(StringBuilder sb, IReadOnlyList<T> items, string sep, Action<T> write)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) sb.Append(sep);
            write(items[i]);
        }
    }

    private static void WriteDirectives(StringBuilder sb, IReadOnlyList<DirectiveNode> dirs)
    {
        foreach (var d in dirs) { sb.Append(' '); Write(sb, d, ""); }
    }

    private static void WriteArgs(StringBuilder sb, IReadOnlyList<ArgumentNode> args)
    {
        if (args.Count == 0) return;
        sb.Append('(');
        Join(sb, args, ", ", a => { sb.Append(a.Name).Append(": "); Write(sb, a.Value, ""); });
        sb.Append(')');
    }

    private static void WriteSelectionSet(StringBuilder sb, SelectionSetNode set, string indent)
    {
        sb.Append("{\n");
        var inner = indent + "  ";
        foreach (var s in set.Selections)
        {
            sb.Append(inner);
            Write(sb, s, inner);
            sb.Append('\n');
        }
        sb.Append(indent).Append('}');
    }

    private static void Write(StringBuilder sb, SyntaxNode node, string indent)
    {
        switch (node)
        {
            case DocumentNode d:
                Join(sb, d.Definitions, "\n\n", def => Write(sb, def, ""));
                break;
            case OperationDefinitionNode op:
                if (op.Name is null && op.VariableDefinitions.Count == 0 && op.Directives.Count == 0 && op.Operation == OperationType.Query)
                {
                    WriteSelectionSet(sb, op.SelectionSet, indent);
                    break;
                }
                sb.Append(op.Operation switch { OperationType.Mutation => "mutation", OperationType.Subscription => "subscription", _ => "query" });
                if (op.Name is not null) sb.Append(' ').Append(op.Name);
                if (op.VariableDefinitions.Count > 0)
                {
                    if (op.Name is null) sb.Append(' ');
                    sb.Append('(');
                    Join(sb, op.VariableDefinitions, ", ", v => Write(sb, v, ""));
                    sb.Append(')');
                }
                WriteDirectives(sb, op.Directives);
                sb.Append(' ');
                WriteSelectionSet(sb, op.SelectionSet, indent);
                break;
            case VariableDefinitionNode v:
                sb.Append('$').Append(v.Variable.Name).Append(": ");
                Write(sb, v.Type, "");
                if (v.DefaultValue is not null) { sb.Append(" = "); Write(sb, v.DefaultValue, ""); }
                WriteDirectives(sb, v.Directives);
                break;
            case FragmentDefinitionNode f:
                sb.Append("fragment ").Append(f.Name).Append(" on ").Append(f.TypeCondition.Name);
                WriteDirectives(sb, f.Directives);
                sb.Append(' ');
                WriteSelectionSet(sb, f.SelectionSet, indent);
                break;
            case FieldNode f:
                if (f.Alias is not null) sb.Append(f.Alias).Append(": ");
                sb.Append(f.Name);
                WriteArgs(sb, f.Arguments);
                WriteDirectives(sb, f.Directives);
                if (f.SelectionSet is not null) { sb.Append(' '); WriteSelectionSet(sb, f.SelectionSet, indent); }
                break;
            case FragmentSpreadNode fs:
                sb.Append("...").Append(fs.Name);
                WriteDirectives(sb, fs.Directives);
                break;
            case InlineFragmentNode inl:
                sb.Append("...");
                if (inl.TypeCondition is not null) sb.Append(" on ").Append(inl.TypeCondition.Name);
                WriteDirectives(sb, inl.Directives);
                sb.Append(' ');
                WriteSelectionSet(sb, inl.SelectionSet, indent);
                break;
            case SelectionSetNode ss:
                WriteSelectionSet(sb, ss, indent);
                break;
            case DirectiveNode dir:
                sb.Append('@').Append(dir.Name);
                WriteArgs(sb, dir.Arguments);
                break;
            case ArgumentNode a:
                sb.Append(a.Name).Append(": ");
                Write(sb, a.Value, "");
                break;
            case VariableNode v: sb.Append('$').Append(v.Name); break;
            case IntValueNode i: sb.Append(i.Value); break;
            case FloatValueNode fl: sb.Append(fl.Value); break;
            case StringValueNode s:
                sb.Append(s.Block ? PrintBlockString(s.Value) : PrintString(s.Value));
                break;
            case BooleanValueNode b: sb.Append(b.Value ? "true" : "false"); break;
            case NullValueNode: sb.Append("null"); break;
            case EnumValueNode e: sb.Append(e.Value); break;
            case ListValueNode l:
                sb.Append('[');
                Join(sb, l.Values, ", ", v => Write(sb, v, ""));
                sb.Append(']');
                break;
            case ObjectValueNode o:
                sb.Append('{');
                Join(sb, o.Fields, ", ", f => { sb.Append(f.Name).Append(": "); Write(sb, f.Value, ""); });
                sb.Append('}');
                break;
            case NamedTypeNode n: sb.Append(n.Name); break;
            case ListTypeNode lt: sb.Append('['); Write(sb, lt.Type, ""); sb.Append(']'); break;
            case NonNullTypeNode nn: Write(sb, nn.Type, ""); sb.Append('!'); break;
            case TypeSystemNode ts:
                WriteTypeSystem(sb, ts);
                break;
            default:
                throw new NotSupportedException(node.GetType().Name);
        }
    }

    private static void WriteDescription(StringBuilder sb, string? description, string indent)
    {
        if (description is null) return;
        sb.Append(indent).Append(PrintBlockString(description).Replace("\n", "\n" + indent)).Append('\n');
    }

    private static void WriteInputValue(StringBuilder sb, InputValueDefinitionNode v)
    {
        sb.Append(v.Name).Append(": ");
        Write(sb, v.Type, "");
        if (v.DefaultValue is not null) { sb.Append(" = "); Write(sb, v.DefaultValue, ""); }
        WriteDirectives(sb, v.Directives);
    }

    private static void WriteArgDefs(StringBuilder sb, IReadOnlyList<InputValueDefinitionNode> args, string indent)
    {
        if (args.Count == 0) return;
        if (args.All(a => a.Description is null))
        {
            sb.Append('(');
            Join(sb, args, ", ", a => WriteInputValue(sb, a));
            sb.Append(')');
            return;
        }
        sb.Append("(\n");
        foreach (var a in args)
        {
            WriteDescription(sb, a.Description, indent + "  ");
            sb.Append(indent).Append("  ");
            WriteInputValue(sb, a);
            sb.Append('\n');
        }
        sb.Append(indent).Append(')');
    }

    private static void WriteFields(StringBuilder sb, IReadOnlyList<FieldDefinitionNode> fields)
    {
        if (fields.Count == 0) return;
        sb.Append(" {\n");
        foreach (var f in fields)
        {
            WriteDescription(sb, f.Description, "  ");
            sb.Append("  ").Append(f.Name);
            WriteArgDefs(sb, f.Arguments, "  ");
            sb.Append(": ");
            Write(sb, f.Type, "");
            WriteDirectives(sb, f.Directives);
            sb.Append('\n');
        }
        sb.Append('}');
    }

    private static void WriteTypeSystem(StringBuilder sb, TypeSystemNode node)
    {
        if (!node.IsExtension) WriteDescription(sb, node.Description, "");
        if (node.IsExtension) sb.Append("extend ");
        switch (node)
        {
            case SchemaDefinitionNode s:
                sb.Append("schema");
                WriteDirectives(sb, s.Directives);
                if (s.OperationTypes.Count > 0)
                {
                    sb.Append(" {\n");
                    foreach (var o in s.OperationTypes)
                        sb.Append("  ").Append(o.Operation.ToString().ToLowerInvariant()).Append(": ").Append(o.Type.Name).Append('\n');
                    sb.Append('}');
                }
                break;
            case ScalarTypeDefinitionNode sc:
                sb.Append("scalar ").Append(sc.Name);
                WriteDirectives(sb, sc.Directives);
                break;
            case ObjectTypeDefinitionNode o:
                sb.Append("type ").Append(o.Name);
                if (o.Interfaces.Count > 0) sb.Append(" implements ").AppendJoin(" & ", o.Interfaces.Select(i => i.Name));
                WriteDirectives(sb, o.Directives);
                WriteFields(sb, o.Fields);
                break;
            case InterfaceTypeDefinitionNode i:
                sb.Append("interface ").Append(i.Name);
                if (i.Interfaces.Count > 0) sb.Append(" implements ").AppendJoin(" & ", i.Interfaces.Select(x => x.Name));
                WriteDirectives(sb, i.Directives);
                WriteFields(sb, i.Fields);
                break;
            case UnionTypeDefinitionNode u:
                sb.Append("union ").Append(u.Name);
                WriteDirectives(sb, u.Directives);
                if (u.Types.Count > 0) sb.Append(" = ").AppendJoin(" | ", u.Types.Select(t => t.Name));
                break;
            case EnumTypeDefinitionNode e:
                sb.Append("enum ").Append(e.Name);
                WriteDirectives(sb, e.Directives);
                if (e.Values.Count > 0)
                {
                    sb.Append(" {\n");
                    foreach (var v in e.Values)
                    {
                        WriteDescription(sb, v.Description, "  ");
                        sb.Append("  ").Append(v.Name);
                        WriteDirectives(sb, v.Directives);
                        sb.Append('\n');
                    }
                    sb.Append('}');
                }
                break;
            case InputObjectTypeDefinitionNode io:
                sb.Append("input ").Append(io.Name);
                WriteDirectives(sb, io.Directives);
                if (io.Fields.Count > 0)
                {
                    sb.Append(" {\n");
                    foreach (var f in io.Fields)
                    {
                        WriteDescription(sb, f.Description, "  ");
                        sb.Append("  ");
                        WriteInputValue(sb, f);
                        sb.Append('\n');
                    }
                    sb.Append('}');
                }
                break;
            case DirectiveDefinitionNode d:
                sb.Append("directive @").Append(d.Name);
                WriteArgDefs(sb, d.Arguments, "");
                if (d.Repeatable) sb.Append(" repeatable");
                sb.Append(" on ").AppendJoin(" | ", d.Locations);
                break;
        }
    }
}
