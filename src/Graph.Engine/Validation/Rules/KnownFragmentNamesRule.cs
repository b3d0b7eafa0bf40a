using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.5.2.1 Fragment spread target defined. https://spec.graphql.org/October2021/#sec-Fragment-spread-target-defined</summary>
public sealed class KnownFragmentNamesRule : ValidationRule
{
    public override void EnterFragmentSpread(ValidationContext ctx, FragmentSpreadNode node)
    {
        if (ctx.GetFragment(node.Name) is null) ctx.ReportError($"Unknown fragment \"{node.Name}\".", node);
    }
}
