using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.5.1.1 Fragment Name Uniqueness. https://spec.graphql.org/October2021/#sec-Fragment-Name-Uniqueness</summary>
public sealed class UniqueFragmentNamesRule : ValidationRule
{
    private readonly Dictionary<string, FragmentDefinitionNode> _seen = new(StringComparer.Ordinal);

    public override void EnterFragmentDefinition(ValidationContext ctx, FragmentDefinitionNode node)
    {
        if (_seen.TryGetValue(node.Name, out var first)) ctx.ReportError($"There can be only one fragment named \"{node.Name}\".", first, node);
        else _seen[node.Name] = node;
    }
}
