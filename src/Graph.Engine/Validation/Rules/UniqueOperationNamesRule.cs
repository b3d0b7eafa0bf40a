using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.2.1.1 Operation Name Uniqueness. https://spec.graphql.org/October2021/#sec-Operation-Name-Uniqueness</summary>
public sealed class UniqueOperationNamesRule : ValidationRule
{
    private readonly Dictionary<string, OperationDefinitionNode> _seen = new(StringComparer.Ordinal);

    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        if (node.Name is null) return;
        if (_seen.TryGetValue(node.Name, out var first)) ctx.ReportError($"There can be only one operation named \"{node.Name}\".", first, node);
        else _seen[node.Name] = node;
    }
}
