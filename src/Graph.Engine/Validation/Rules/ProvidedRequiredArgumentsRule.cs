using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.4.2.1 Required Arguments. https://spec.graphql.org/October2021/#sec-Required-Arguments</summary>
public sealed class ProvidedRequiredArgumentsRule : ValidationRule
{
    public override void LeaveField(ValidationContext ctx, FieldNode node)
    {
        if (ctx.FieldDefinition is not { } def) return;
        foreach (var a in def.Arguments)
            if (a.Type is NonNullType && a.DefaultValue is null && !node.Arguments.Any(x => x.Name == a.Name))
                ctx.ReportError($"Field \"{node.Name}\" argument \"{a.Name}\" of type \"{a.Type}\" is required, but it was not provided.", node);
    }

    public override void LeaveDirective(ValidationContext ctx, DirectiveNode node)
    {
        if (ctx.Directive is not { } def) return;
        foreach (var a in def.Arguments)
            if (a.Type is NonNullType && a.DefaultValue is null && !node.Arguments.Any(x => x.Name == a.Name))
                ctx.ReportError($"Directive \"@{node.Name}\" argument \"{a.Name}\" of type \"{a.Type}\" is required, but it was not provided.", node);
    }
}
