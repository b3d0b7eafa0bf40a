using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>
/// Limits the estimated field cost: every field costs 1, multiplied by the sizes of the lists above it.
/// A list's size is its page-size argument (first/limit...) when that is a literal, or the variable's default;
/// otherwise <see cref="ValidationOptions.DefaultListSize"/>. Once variable values are known the executor
/// estimates again with them (<see cref="Estimate"/>), so a page size passed as a variable cannot bypass the limit.
/// </summary>
public sealed class MaxCostRule : ValidationRule
{
    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        var cost = Estimate(ctx.Schema, node, ctx.GetFragment, null, ctx.Options.DefaultListSize);
        if (cost > ctx.Options.MaxCost)
            ctx.ReportError(Message(cost, ctx.Options.MaxCost), Execution.ErrorCodes.MaxCostExceeded, node);
    }

    public static string Message(double cost, int max) =>
        $"The operation has an estimated cost of {cost:0}, which exceeds the maximum allowed cost of {max}.";

    /// <summary>True when some field argument is a variable (it may be a page size), so the estimate can depend on its value.</summary>
    public static bool UsesVariablePageSizes(Schema schema, DocumentNode document)
    {
        foreach (var d in document.Definitions)
            if (d is ExecutableDefinitionNode e && HasVariablePageSize(e.SelectionSet)) return true;
        return false;

        bool HasVariablePageSize(SelectionSetNode set)
        {
            foreach (var s in set.Selections)
            {
                switch (s)
                {
                    case FieldNode f:
                        if (f.Arguments.Any(a => a.Value is VariableNode)) return true;
                        if (f.SelectionSet is not null && HasVariablePageSize(f.SelectionSet)) return true;
                        break;
                    case InlineFragmentNode i when HasVariablePageSize(i.SelectionSet): return true;
                }
            }
            return false;
        }
    }

    public static double Estimate(Schema schema, OperationDefinitionNode operation, Func<string, FragmentDefinitionNode?> fragments,
        IReadOnlyDictionary<string, object?>? variables, int defaultListSize)
    {
        if (schema.GetRootType(operation.Operation) is not { } root) return 0;
        var defaults = new Dictionary<string, ValueNode?>(StringComparer.Ordinal);
        foreach (var v in operation.VariableDefinitions) defaults[v.Variable.Name] = v.DefaultValue;
        var estimator = new Estimator(schema, fragments, variables, defaults, defaultListSize);
        return estimator.Cost(root, operation.SelectionSet, []);
    }

    private sealed class Estimator(Schema schema, Func<string, FragmentDefinitionNode?> fragments,
        IReadOnlyDictionary<string, object?>? variables, Dictionary<string, ValueNode?> defaults, int defaultListSize)
    {
        private readonly Dictionary<string, double> _memo = new(StringComparer.Ordinal);

        public double Cost(NamedType? parent, SelectionSetNode set, HashSet<string> visiting)
        {
            double total = 0;
            foreach (var s in set.Selections)
            {
                switch (s)
                {
                    case FieldNode f:
                        if (f.Name is "__schema" or "__type") { total += 1; break; }
                        var def = parent is null ? null : schema.GetFieldIncludingMeta(parent, f.Name);
                        total += 1;
                        if (f.SelectionSet is not null)
                            total += Multiplier(def, f) * Cost(def?.Type.NamedType, f.SelectionSet, visiting);
                        break;
                    case InlineFragmentNode i:
                        total += Cost(i.TypeCondition is null ? parent : schema.GetType(i.TypeCondition.Name), i.SelectionSet, visiting);
                        break;
                    case FragmentSpreadNode fs:
                        if (_memo.TryGetValue(fs.Name, out var c)) { total += c; break; }
                        if (!visiting.Add(fs.Name) || fragments(fs.Name) is not { } frag) break;
                        c = Cost(schema.GetType(frag.TypeCondition.Name), frag.SelectionSet, visiting);
                        visiting.Remove(fs.Name);
                        _memo[fs.Name] = c;
                        total += c;
                        break;
                }
            }
            return total;
        }

        private double Multiplier(FieldDefinition? def, FieldNode node)
        {
            if (def is null || def.Type.Nullable is not ListType) return 1;
            if (def.PageSizeArgument is { } argName)
                foreach (var a in node.Arguments)
                {
                    if (a.Name != argName) continue;
                    var value = a.Value;
                    if (value is VariableNode v)
                    {
                        if (variables is not null && variables.TryGetValue(v.Name, out var given) && given is int n) return Math.Max(n, 1);
                        value = defaults.GetValueOrDefault(v.Name) ?? value;
                    }
                    if (value is IntValueNode i && int.TryParse(i.Value, out var literal)) return Math.Max(literal, 1);
                }
            return defaultListSize;
        }
    }
}
