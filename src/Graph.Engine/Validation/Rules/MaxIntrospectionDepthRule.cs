using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>Rejects introspection queries that nest list fields of __Type too deeply (as graphql-js does), bounding their cost.</summary>
public sealed class MaxIntrospectionDepthRule : ValidationRule
{
    private const int MaxDepth = 3;

    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        if (TooDeep(ctx, node.SelectionSet, [], 0)) ctx.ReportError("Maximum introspection depth exceeded", node);
    }

    private static bool TooDeep(ValidationContext ctx, SelectionSetNode set, HashSet<string> visited, int depth)
    {
        foreach (var s in set.Selections)
        {
            switch (s)
            {
                case FieldNode f:
                    var d = depth;
                    if (f.Name is "fields" or "interfaces" or "possibleTypes" or "inputFields")
                    {
                        d++;
                        if (d >= MaxDepth) return true;
                    }
                    if (f.SelectionSet is not null && TooDeep(ctx, f.SelectionSet, visited, d)) return true;
                    break;
                case InlineFragmentNode i:
                    if (TooDeep(ctx, i.SelectionSet, visited, depth)) return true;
                    break;
                case FragmentSpreadNode fs:
                    if (!visited.Add(fs.Name)) break;
                    var frag = ctx.GetFragment(fs.Name);
                    var deep = frag is not null && TooDeep(ctx, frag.SelectionSet, visited, depth);
                    visited.Remove(fs.Name);
                    if (deep) return true;
                    break;
            }
        }
        return false;
    }
}
