using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.8.4 All Variables Used. https://spec.graphql.org/October2021/#sec-All-Variables-Used</summary>
public sealed class NoUnusedVariablesRule : ValidationRule
{
    public override void LeaveDocument(ValidationContext ctx, DocumentNode node)
    {
        foreach (var op in node.Definitions.OfType<OperationDefinitionNode>())
        {
            var used = ctx.GetRecursiveVariableUsages(op).Select(u => u.Node.Name).ToHashSet();
            foreach (var v in op.VariableDefinitions)
                if (!used.Contains(v.Variable.Name))
                    ctx.ReportError(op.Name is null ? $"Variable \"${v.Variable.Name}\" is never used." : $"Variable \"${v.Variable.Name}\" is never used in operation \"{op.Name}\".", v);
        }
    }
}
