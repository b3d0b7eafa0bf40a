using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.7.1 Directives Are Defined and 5.7.2 Directives Are In Valid Locations. https://spec.graphql.org/October2021/#sec-Directives-Are-Defined</summary>
public sealed class KnownDirectivesRule : ValidationRule
{
    public override void EnterDirective(ValidationContext ctx, DirectiveNode node, string location)
    {
        if (ctx.Directive is not { } def) { ctx.ReportError($"Unknown directive \"@{node.Name}\".", node); return; }
        if (!def.Locations.Contains(location)) ctx.ReportError($"Directive \"@{node.Name}\" may not be used on {location}.", node);
    }
}
