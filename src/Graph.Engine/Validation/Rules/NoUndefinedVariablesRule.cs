using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.8.3 All Variable Uses Defined. https://spec.graphql.org/October2021/#sec-All-Variable-Uses-Defined</summary>
public sealed class NoUndefinedVariablesRule : ValidationRule
{
    public override void LeaveDocument(ValidationContext ctx, DocumentNode node)
    {
        foreach (var op in node.Definitions.OfType<OperationDefinitionNode>())
        {
            var defined = op.VariableDefinitions.Select(v => v.Variable.Name).ToHashSet();
            foreach (var u in ctx.GetRecursiveVariableUsages(op))
                if (!defined.Contains(u.Node.Name))
                    ctx.ReportError(op.Name is null ? $"Variable \"${u.Node.Name}\" is not defined." : $"Variable \"${u.Node.Name}\" is not defined by operation \"{op.Name}\".", u.Node, op);
        }
    }
}
