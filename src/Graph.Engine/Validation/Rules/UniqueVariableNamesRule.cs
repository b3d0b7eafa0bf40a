using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.8.1 Variable Uniqueness. https://spec.graphql.org/October2021/#sec-Variable-Uniqueness</summary>
public sealed class UniqueVariableNamesRule : ValidationRule
{
    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        foreach (var g in node.VariableDefinitions.GroupBy(v => v.Variable.Name).Where(g => g.Count() > 1))
            ctx.ReportError($"There can be only one variable named \"${g.Key}\".", g.Select(v => (SyntaxNode)v.Variable).ToArray());
    }
}
