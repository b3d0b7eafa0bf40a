using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.5.2.2 Fragment spreads must not form cycles. https://spec.graphql.org/October2021/#sec-Fragment-spreads-must-not-form-cycles</summary>
public sealed class NoFragmentCyclesRule : ValidationRule
{
    public override void LeaveDocument(ValidationContext ctx, DocumentNode node)
    {
        var visited = new HashSet<string>();
        foreach (var frag in node.Definitions.OfType<FragmentDefinitionNode>())
            Detect(ctx, frag, visited, [], new Dictionary<string, int>());
    }

    private static void Detect(ValidationContext ctx, FragmentDefinitionNode frag, HashSet<string> visited, List<FragmentSpreadNode> path, Dictionary<string, int> pathIndex)
    {
        if (!visited.Add(frag.Name)) return;
        var spreads = ValidationContext.SpreadsIn(frag.SelectionSet).ToList();
        if (spreads.Count == 0) return;
        pathIndex[frag.Name] = path.Count;
        foreach (var spread in spreads)
        {
            if (!pathIndex.TryGetValue(spread.Name, out var cycleIndex))
            {
                path.Add(spread);
                if (ctx.GetFragment(spread.Name) is { } next) Detect(ctx, next, visited, path, pathIndex);
                path.RemoveAt(path.Count - 1);
            }
            else
            {
                var cyclePath = path.Skip(cycleIndex).ToList();
                var via = string.Join(", ", cyclePath.Select(s => $"\"{s.Name}\""));
                ctx.ReportError($"Cannot spread fragment \"{spread.Name}\" within itself{(cyclePath.Count > 0 ? " via " + via : "")}.", [.. cyclePath, spread]);
            }
        }
        pathIndex.Remove(frag.Name);
    }
}
