using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.4.1 Argument Names. https://spec.graphql.org/October2021/#sec-Argument-Names</summary>
public sealed class KnownArgumentNamesRule : ValidationRule
{
    private DirectiveNode? _directive;

    public override void EnterDirective(ValidationContext ctx, DirectiveNode node, string location) => _directive = node;
    public override void LeaveDirective(ValidationContext ctx, DirectiveNode node) => _directive = null;

    public override void EnterArgument(ValidationContext ctx, ArgumentNode node)
    {
        if (ctx.Argument is not null) return;
        if (_directive is not null)
        {
            if (ctx.Directive is not null) ctx.ReportError($"Unknown argument \"{node.Name}\" on directive \"@{_directive.Name}\".", node);
            return;
        }
        if (ctx.FieldDefinition is { } field && ctx.ParentType is { } parent)
            ctx.ReportError($"Unknown argument \"{node.Name}\" on field \"{parent.Name}.{field.Name}\".", node);
    }
}
