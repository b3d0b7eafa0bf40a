using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>
/// Limits the estimated field cost: every field costs 1, multiplied by the sizes of the lists above it.
/// A list's size is its literal page-size argument (first/limit...) or <see cref="ValidationOptions.DefaultListSize"/>.
/// </summary>
public sealed class MaxCostRule : ValidationRule
{
    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        if (ctx.Schema.GetRootType(node.Operation) is not { } root) return;
        var memo = new Dictionary<string, double>(StringComparer.Ordinal);
        var cost = Cost(ctx, root, node.SelectionSet, memo, []);
        if (cost > ctx.Options.MaxCost)
            ctx.ReportError($"The operation has an estimated cost of {cost:0}, which exceeds the maximum allowed cost of {ctx.Options.MaxCost}.", Execution.ErrorCodes.MaxCostExceeded, node);
    }

    private static double Cost(ValidationContext ctx, NamedType? parent, SelectionSetNode set, Dictionary<string, double> memo, HashSet<string> visiting)
    {
        double total = 0;
        foreach (var s in set.Selections)
        {
            switch (s)
            {
                case FieldNode f:
                    if (f.Name is "__schema" or "__type") { total += 1; break; }
                    var def = parent is null ? null : ctx.Schema.GetFieldIncludingMeta(parent, f.Name);
                    total += 1;
                    if (f.SelectionSet is not null)
                        total += Multiplier(ctx, def, f) * Cost(ctx, def?.Type.NamedType, f.SelectionSet, memo, visiting);
                    break;
                case InlineFragmentNode i:
                    total += Cost(ctx, i.TypeCondition is null ? parent : ctx.Schema.GetType(i.TypeCondition.Name), i.SelectionSet, memo, visiting);
                    break;
                case FragmentSpreadNode fs:
                    if (memo.TryGetValue(fs.Name, out var c)) { total += c; break; }
                    if (!visiting.Add(fs.Name) || ctx.GetFragment(fs.Name) is not { } frag) break;
                    c = Cost(ctx, ctx.Schema.GetType(frag.TypeCondition.Name), frag.SelectionSet, memo, visiting);
                    visiting.Remove(fs.Name);
                    memo[fs.Name] = c;
                    total += c;
                    break;
            }
        }
        return total;
    }

    private static double Multiplier(ValidationContext ctx, FieldDefinition? def, FieldNode node)
    {
        if (def is null || !IsList(def.Type)) return 1;
        if (def.PageSizeArgument is { } argName)
            foreach (var a in node.Arguments)
                if (a.Name == argName && a.Value is IntValueNode i && int.TryParse(i.Value, out var n)) return Math.Max(n, 1);
        return ctx.Options.DefaultListSize;
    }

    private static bool IsList(GraphType t) => t.Nullable is ListType;
}
