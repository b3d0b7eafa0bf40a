using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>
/// 5.6.1 Values of Correct Type (with 5.6.2 Input Object Field Names, 5.6.4 Input Object Required Fields and @oneOf).
/// https://spec.graphql.org/October2021/#sec-Values-of-Correct-Type
/// </summary>
public sealed class ValuesOfCorrectTypeRule : ValidationRule
{
    private ValueNode? _skipUntil;
    private readonly Dictionary<string, VariableDefinitionNode> _variables = new(StringComparer.Ordinal);

    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        _variables.Clear();
        foreach (var v in node.VariableDefinitions) _variables[v.Variable.Name] = v;
    }

    public override void LeaveValue(ValidationContext ctx, ValueNode node)
    {
        if (ReferenceEquals(node, _skipUntil)) _skipUntil = null;
    }

    public override void EnterObjectField(ValidationContext ctx, ObjectFieldNode node)
    {
        if (_skipUntil is not null) return;
        if (ctx.InputType is null && ctx.ParentInputType?.NamedType is InputObjectType parent)
            ctx.ReportError($"Field \"{node.Name}\" is not defined by type \"{parent.Name}\".", node);
    }

    public override void EnterValue(ValidationContext ctx, ValueNode node)
    {
        if (_skipUntil is not null) return;
        var type = ctx.InputType;
        switch (node)
        {
            case VariableNode: return;
            case NullValueNode:
                if (type is NonNullType) ctx.ReportError($"Expected value of type \"{type}\", found null.", node);
                return;
            case ListValueNode:
                if (type?.Nullable is not ListType && type is not null)
                {
                    IsValidValueNode(ctx, node, type);
                    _skipUntil = node;
                }
                return;
            case ObjectValueNode o:
                {
                    if (type is null) return;
                    if (type.NamedType is not InputObjectType io)
                    {
                        IsValidValueNode(ctx, node, type);
                        _skipUntil = node;
                        return;
                    }
                    foreach (var f in io.Fields)
                        if (f.Type is NonNullType && f.DefaultValue is null && !o.Fields.Any(x => x.Name == f.Name))
                            ctx.ReportError($"Field \"{io.Name}.{f.Name}\" of required type \"{f.Type}\" was not provided.", node);
                    if (io.IsOneOf) ValidateOneOf(ctx, o, io);
                    return;
                }
            default:
                if (type is not null) IsValidValueNode(ctx, node, type);
                return;
        }
    }

    private void ValidateOneOf(ValidationContext ctx, ObjectValueNode node, InputObjectType io)
    {
        if (node.Fields.Count != 1)
        {
            ctx.ReportError($"OneOf Input Object \"{io.Name}\" must specify exactly one key.", node);
            return;
        }
        var value = node.Fields[0].Value;
        if (value is NullValueNode) ctx.ReportError($"Field \"{io.Name}.{node.Fields[0].Name}\" must be non-null.", node);
    }

    private static void IsValidValueNode(ValidationContext ctx, ValueNode node, GraphType locationType)
    {
        var named = locationType.NamedType;
        if (!named.IsLeaf)
        {
            ctx.ReportError($"Expected value of type \"{locationType}\", found {Printer.Print(node)}.", node);
            return;
        }
        try
        {
            var value = named is EnumType e
                ? (node is EnumValueNode ev && e.GetValue(ev.Value) is not null ? ev.Value : null)
                : ((ScalarType)named).ParseLiteral(node);
            if (value is null) ctx.ReportError($"Expected value of type \"{locationType}\", found {Printer.Print(node)}.", node);
        }
        catch (Exception ex)
        {
            ctx.ReportError($"Expected value of type \"{locationType}\", found {Printer.Print(node)}; {ex.Message}", node);
        }
    }
}
