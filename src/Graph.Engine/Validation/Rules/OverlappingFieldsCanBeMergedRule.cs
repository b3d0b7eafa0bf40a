using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>
/// 5.3.2 Field Selection Merging: fields with the same response name must be mergeable.
/// https://spec.graphql.org/October2021/#sec-Field-Selection-Merging
/// </summary>
public sealed class OverlappingFieldsCanBeMergedRule : ValidationRule
{
    private sealed record FieldEntry(NamedType? ParentType, FieldNode Node, FieldDefinition? Definition);
    private sealed record Conflict(string ResponseName, string Reason, List<FieldNode> Fields1, List<FieldNode> Fields2);
    private sealed class FieldMap : Dictionary<string, List<FieldEntry>>
    {
        public List<string> Order { get; } = [];
    }

    // Field merging is quadratic in the fields sharing a response name; hostile documents get a bounded budget.
    private const int MaxComparisons = 100_000;
    private int _comparisons;
    private bool _budgetReported;

    private ValidationContext _ctx = null!;
    private readonly Dictionary<SelectionSetNode, (FieldMap, List<string>)> _cache = [];
    private readonly HashSet<(string, string, bool)> _comparedFragmentPairs = [];

    public override void EnterSelectionSet(ValidationContext ctx, SelectionSetNode node)
    {
        _ctx = ctx;
        if (_comparisons > MaxComparisons)
        {
            if (!_budgetReported) ctx.ReportError("The document is too complex to check that its fields can be merged.", Execution.ErrorCodes.MaxCostExceeded, node);
            _budgetReported = true;
            return;
        }
        foreach (var c in FindConflictsWithinSelectionSet(ctx.ParentType, node))
            ctx.ReportError($"Fields \"{c.ResponseName}\" conflict because {c.Reason}. Use different aliases on the fields to fetch both if this was intentional.",
                [.. c.Fields1, .. c.Fields2]);
    }

    private List<Conflict> FindConflictsWithinSelectionSet(NamedType? parentType, SelectionSetNode set)
    {
        var conflicts = new List<Conflict>();
        var (fieldMap, fragmentNames) = GetFieldsAndFragmentNames(parentType, set);
        CollectConflictsWithin(conflicts, fieldMap);
        for (var i = 0; i < fragmentNames.Count; i++)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, [], false, fieldMap, fragmentNames[i]);
            for (var j = i + 1; j < fragmentNames.Count; j++)
                CollectConflictsBetweenFragments(conflicts, false, fragmentNames[i], fragmentNames[j]);
        }
        return conflicts;
    }

    private void CollectConflictsBetweenFieldsAndFragment(List<Conflict> conflicts, HashSet<string> compared, bool exclusive, FieldMap fieldMap, string fragmentName)
    {
        if (!compared.Add(fragmentName)) return;
        if (_ctx.GetFragment(fragmentName) is not { } frag) return;
        var (fm2, names2) = GetReferencedFieldsAndFragmentNames(frag);
        if (ReferenceEquals(fieldMap, fm2)) return;
        CollectConflictsBetween(conflicts, exclusive, fieldMap, fm2);
        foreach (var n in names2) CollectConflictsBetweenFieldsAndFragment(conflicts, compared, exclusive, fieldMap, n);
    }

    private void CollectConflictsBetweenFragments(List<Conflict> conflicts, bool exclusive, string f1, string f2)
    {
        if (f1 == f2) return;
        var key = string.CompareOrdinal(f1, f2) < 0 ? (f1, f2, exclusive) : (f2, f1, exclusive);
        if (!_comparedFragmentPairs.Add(key)) return;
        if (_ctx.GetFragment(f1) is not { } frag1 || _ctx.GetFragment(f2) is not { } frag2) return;
        var (fm1, n1) = GetReferencedFieldsAndFragmentNames(frag1);
        var (fm2, n2) = GetReferencedFieldsAndFragmentNames(frag2);
        CollectConflictsBetween(conflicts, exclusive, fm1, fm2);
        foreach (var n in n2) CollectConflictsBetweenFragments(conflicts, exclusive, f1, n);
        foreach (var n in n1) CollectConflictsBetweenFragments(conflicts, exclusive, n, f2);
    }

    private List<Conflict> FindConflictsBetweenSubSelectionSets(bool exclusive, NamedType? t1, SelectionSetNode s1, NamedType? t2, SelectionSetNode s2)
    {
        var conflicts = new List<Conflict>();
        var (fm1, n1) = GetFieldsAndFragmentNames(t1, s1);
        var (fm2, n2) = GetFieldsAndFragmentNames(t2, s2);
        CollectConflictsBetween(conflicts, exclusive, fm1, fm2);
        foreach (var n in n2) CollectConflictsBetweenFieldsAndFragment(conflicts, [], exclusive, fm1, n);
        foreach (var n in n1) CollectConflictsBetweenFieldsAndFragment(conflicts, [], exclusive, fm2, n);
        foreach (var a in n1)
            foreach (var b in n2) CollectConflictsBetweenFragments(conflicts, exclusive, a, b);
        return conflicts;
    }

    private void CollectConflictsWithin(List<Conflict> conflicts, FieldMap map)
    {
        foreach (var name in map.Order)
        {
            var fields = Distinct(map[name]);
            if (fields.Count < 2) continue;
            for (var i = 0; i < fields.Count; i++)
                for (var j = i + 1; j < fields.Count; j++)
                    if (FindConflict(false, name, fields[i], fields[j]) is { } c) conflicts.Add(c);
        }
    }

    private void CollectConflictsBetween(List<Conflict> conflicts, bool exclusive, FieldMap m1, FieldMap m2)
    {
        foreach (var name in m1.Order)
        {
            if (!m2.TryGetValue(name, out var f2s)) continue;
            f2s = Distinct(f2s);
            foreach (var a in Distinct(m1[name]))
                foreach (var b in f2s)
                    if (FindConflict(exclusive, name, a, b) is { } c) conflicts.Add(c);
        }
    }

    /// <summary>
    /// Textually identical fields (same parent type, name, arguments, directives and sub-selection) merge with each
    /// other by definition, so only one of them needs comparing.
    /// </summary>
    private static List<FieldEntry> Distinct(List<FieldEntry> fields)
    {
        if (fields.Count < 3) return fields;
        var seen = new HashSet<(NamedType?, string)>();
        var result = new List<FieldEntry>();
        foreach (var f in fields)
            if (seen.Add((f.ParentType, Printer.Print(f.Node)))) result.Add(f);
        return result;
    }

    private Conflict? FindConflict(bool parentsExclusive, string responseName, FieldEntry f1, FieldEntry f2)
    {
        if (++_comparisons > MaxComparisons) return null;
        var exclusive = parentsExclusive || (!ReferenceEquals(f1.ParentType, f2.ParentType) && f1.ParentType is ObjectType && f2.ParentType is ObjectType);
        if (!exclusive)
        {
            if (f1.Node.Name != f2.Node.Name)
                return new Conflict(responseName, $"\"{f1.Node.Name}\" and \"{f2.Node.Name}\" are different fields", [f1.Node], [f2.Node]);
            if (!SameArguments(f1.Node.Arguments, f2.Node.Arguments))
                return new Conflict(responseName, "they have differing arguments", [f1.Node], [f2.Node]);
        }
        var t1 = f1.Definition?.Type;
        var t2 = f2.Definition?.Type;
        if (t1 is not null && t2 is not null && DoTypesConflict(t1, t2))
            return new Conflict(responseName, $"they return conflicting types \"{t1}\" and \"{t2}\"", [f1.Node], [f2.Node]);
        if (f1.Node.SelectionSet is { } s1 && f2.Node.SelectionSet is { } s2)
        {
            var sub = FindConflictsBetweenSubSelectionSets(exclusive, t1?.NamedType, s1, t2?.NamedType, s2);
            if (sub.Count > 0)
                return new Conflict(responseName,
                    "subfields " + string.Join(" and ", sub.Select(c => $"\"{c.ResponseName}\" conflict because {c.Reason}")),
                    [f1.Node, .. sub.SelectMany(c => c.Fields1)], [f2.Node, .. sub.SelectMany(c => c.Fields2)]);
        }
        return null;
    }

    private static bool SameArguments(IReadOnlyList<ArgumentNode> a, IReadOnlyList<ArgumentNode> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var x in a)
        {
            var y = b.FirstOrDefault(n => n.Name == x.Name);
            if (y is null || Printer.Print(x.Value) != Printer.Print(y.Value)) return false;
        }
        return true;
    }

    private static bool DoTypesConflict(GraphType t1, GraphType t2)
    {
        if (t1 is ListType l1) return t2 is not ListType l2 || DoTypesConflict(l1.OfType, l2.OfType);
        if (t2 is ListType) return true;
        if (t1 is NonNullType n1) return t2 is not NonNullType n2 || DoTypesConflict(n1.OfType, n2.OfType);
        if (t2 is NonNullType) return true;
        if (t1.IsLeaf || t2.IsLeaf) return !ReferenceEquals(t1, t2);
        return false;
    }

    private (FieldMap, List<string>) GetFieldsAndFragmentNames(NamedType? parentType, SelectionSetNode set)
    {
        if (_cache.TryGetValue(set, out var cached)) return cached;
        var map = new FieldMap();
        var names = new List<string>();
        Collect(parentType, set, map, names);
        var result = (map, names.Distinct().ToList());
        _cache[set] = result;
        return result;
    }

    private (FieldMap, List<string>) GetReferencedFieldsAndFragmentNames(FragmentDefinitionNode frag)
    {
        if (_cache.TryGetValue(frag.SelectionSet, out var cached)) return cached;
        return GetFieldsAndFragmentNames(_ctx.Schema.GetType(frag.TypeCondition.Name), frag.SelectionSet);
    }

    private void Collect(NamedType? parentType, SelectionSetNode set, FieldMap map, List<string> names)
    {
        foreach (var s in set.Selections)
        {
            switch (s)
            {
                case FieldNode f:
                    var def = parentType is ComplexType or UnionType ? _ctx.Schema.GetFieldIncludingMeta(parentType, f.Name) : null;
                    if (!map.TryGetValue(f.ResponseKey, out var list))
                    {
                        map[f.ResponseKey] = list = [];
                        map.Order.Add(f.ResponseKey);
                    }
                    list.Add(new FieldEntry(parentType, f, def));
                    break;
                case FragmentSpreadNode fs:
                    names.Add(fs.Name);
                    break;
                case InlineFragmentNode inl:
                    var t = inl.TypeCondition is null ? parentType : _ctx.Schema.GetType(inl.TypeCondition.Name);
                    Collect(t, inl.SelectionSet, map, names);
                    break;
            }
        }
    }
}
