using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.5.1.3 Fragments On Composite Types. https://spec.graphql.org/October2021/#sec-Fragments-On-Composite-Types</summary>
public sealed class FragmentsOnCompositeTypesRule : ValidationRule
{
    public override void EnterInlineFragment(ValidationContext ctx, InlineFragmentNode node)
    {
        if (node.TypeCondition is { } tc && ctx.Schema.GetType(tc.Name) is { } t && !t.IsComposite)
            ctx.ReportError($"Fragment cannot condition on non composite type \"{tc.Name}\".", tc);
    }

    public override void EnterFragmentDefinition(ValidationContext ctx, FragmentDefinitionNode node)
    {
        if (ctx.Schema.GetType(node.TypeCondition.Name) is { } t && !t.IsComposite)
            ctx.ReportError($"Fragment \"{node.Name}\" cannot condition on non composite type \"{node.TypeCondition.Name}\".", node.TypeCondition);
    }
}
