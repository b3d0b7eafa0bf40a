using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.6.3 Input Object Field Uniqueness. https://spec.graphql.org/October2021/#sec-Input-Object-Field-Uniqueness</summary>
public sealed class UniqueInputFieldNamesRule : ValidationRule
{
    public override void EnterValue(ValidationContext ctx, ValueNode node)
    {
        if (node is not ObjectValueNode o || o.Fields.Count < 2) return;
        foreach (var g in o.Fields.GroupBy(f => f.Name).Where(g => g.Count() > 1))
            ctx.ReportError($"There can be only one input field named \"{g.Key}\".", g.Cast<SyntaxNode>().ToArray());
    }
}
