using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.5.2.3 Fragment spread is possible. https://spec.graphql.org/October2021/#sec-Fragment-spread-is-possible</summary>
public sealed class PossibleFragmentSpreadsRule : ValidationRule
{
    public override void EnterInlineFragment(ValidationContext ctx, InlineFragmentNode node)
    {
        if (ctx.Type?.NamedType is { IsComposite: true } fragType && ctx.ParentType is { IsComposite: true } parent && !Schema.DoTypesOverlap(ctx.Schema, fragType, parent))
            ctx.ReportError($"Fragment cannot be spread here as objects of type \"{parent.Name}\" can never be of type \"{fragType.Name}\".", node);
    }

    public override void EnterFragmentSpread(ValidationContext ctx, FragmentSpreadNode node)
    {
        if (ctx.GetFragment(node.Name) is not { } frag) return;
        if (ctx.Schema.GetType(frag.TypeCondition.Name) is { IsComposite: true } fragType && ctx.ParentType is { IsComposite: true } parent && !Schema.DoTypesOverlap(ctx.Schema, fragType, parent))
            ctx.ReportError($"Fragment \"{node.Name}\" cannot be spread here as objects of type \"{parent.Name}\" can never be of type \"{fragType.Name}\".", node);
    }
}
