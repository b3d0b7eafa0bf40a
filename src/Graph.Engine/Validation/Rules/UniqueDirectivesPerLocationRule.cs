using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.7.3 Directives Are Unique Per Location. https://spec.graphql.org/October2021/#sec-Directives-Are-Unique-Per-Location</summary>
public sealed class UniqueDirectivesPerLocationRule : ValidationRule
{
    public override void EnterDirectives(ValidationContext ctx, IReadOnlyList<DirectiveNode> directives, SyntaxNode owner, string location)
    {
        var seen = new Dictionary<string, DirectiveNode>(StringComparer.Ordinal);
        foreach (var d in directives)
        {
            var def = ctx.Schema.GetDirective(d.Name);
            if (def is null || def.IsRepeatable) continue;
            if (seen.TryGetValue(d.Name, out var first)) ctx.ReportError($"The directive \"@{d.Name}\" can only be used once at this location.", first, d);
            else seen[d.Name] = d;
        }
    }
}
