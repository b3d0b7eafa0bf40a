using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.5.1.2 Fragment Spread Type Existence and 5.8.2 named types of variables. https://spec.graphql.org/October2021/#sec-Fragment-Spread-Type-Existence</summary>
public sealed class KnownTypeNamesRule : ValidationRule
{
    private void Check(ValidationContext ctx, NamedTypeNode n)
    {
        if (ctx.Schema.GetType(n.Name) is null) ctx.ReportError($"Unknown type \"{n.Name}\".", n);
    }

    public override void EnterVariableDefinition(ValidationContext ctx, VariableDefinitionNode node) => Check(ctx, node.Type.NamedType);
    public override void EnterFragmentDefinition(ValidationContext ctx, FragmentDefinitionNode node) => Check(ctx, node.TypeCondition);
    public override void EnterInlineFragment(ValidationContext ctx, InlineFragmentNode node)
    {
        if (node.TypeCondition is not null) Check(ctx, node.TypeCondition);
    }
}
