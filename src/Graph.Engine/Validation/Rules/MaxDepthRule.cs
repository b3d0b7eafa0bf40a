using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>Limits selection depth (fragments expanded); introspection subtrees are bounded by <see cref="MaxIntrospectionDepthRule"/> instead.</summary>
public sealed class MaxDepthRule : ValidationRule
{
    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        var memo = new Dictionary<string, int>(StringComparer.Ordinal);
        var depth = Depth(ctx, node.SelectionSet, memo, []);
        if (depth > ctx.Options.MaxDepth)
            ctx.ReportError($"The operation has a depth of {depth}, which exceeds the maximum allowed depth of {ctx.Options.MaxDepth}.", Execution.ErrorCodes.MaxDepthExceeded, node);
    }

    private static int Depth(ValidationContext ctx, SelectionSetNode set, Dictionary<string, int> memo, HashSet<string> visiting)
    {
        var max = 0;
        foreach (var s in set.Selections)
        {
            var d = s switch
            {
                FieldNode f when f.Name is "__schema" or "__type" => 1,
                FieldNode f => 1 + (f.SelectionSet is null ? 0 : Depth(ctx, f.SelectionSet, memo, visiting)),
                InlineFragmentNode i => Depth(ctx, i.SelectionSet, memo, visiting),
                FragmentSpreadNode fs => FragmentDepth(ctx, fs.Name, memo, visiting),
                _ => 0,
            };
            if (d > max) max = d;
        }
        return max;
    }

    private static int FragmentDepth(ValidationContext ctx, string name, Dictionary<string, int> memo, HashSet<string> visiting)
    {
        if (memo.TryGetValue(name, out var d)) return d;
        if (!visiting.Add(name) || ctx.GetFragment(name) is not { } frag) return 0;
        d = Depth(ctx, frag.SelectionSet, memo, visiting);
        visiting.Remove(name);
        memo[name] = d;
        return d;
    }
}
