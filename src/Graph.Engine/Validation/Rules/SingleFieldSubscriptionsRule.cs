using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.2.3.1 Single root field (subscriptions). https://spec.graphql.org/October2021/#sec-Single-root-field</summary>
public sealed class SingleFieldSubscriptionsRule : ValidationRule
{
    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        if (node.Operation != OperationType.Subscription || ctx.Schema.SubscriptionType is not { } root) return;
        var fields = new List<FieldNode>();
        Collect(ctx, root, node.SelectionSet, fields, []);
        var keys = fields.Select(f => f.ResponseKey).Distinct().ToList();
        var name = node.Name is null ? "Anonymous Subscription" : $"Subscription \"{node.Name}\"";
        if (keys.Count > 1) ctx.ReportError($"{name} must select only one top level field.", fields.Skip(1).Cast<SyntaxNode>().ToArray());
        foreach (var f in fields)
            if (f.Name.StartsWith("__", StringComparison.Ordinal)) ctx.ReportError($"{name} must not select an introspection top level field.", f);
    }

    private static void Collect(ValidationContext ctx, ObjectType type, SelectionSetNode set, List<FieldNode> fields, HashSet<string> visited)
    {
        foreach (var s in set.Selections)
        {
            switch (s)
            {
                case FieldNode f: fields.Add(f); break;
                case InlineFragmentNode i: Collect(ctx, type, i.SelectionSet, fields, visited); break;
                case FragmentSpreadNode fs when visited.Add(fs.Name) && ctx.GetFragment(fs.Name) is { } frag:
                    Collect(ctx, type, frag.SelectionSet, fields, visited);
                    break;
            }
        }
    }
}
