namespace Fhir.Server.FhirPath;

/// <summary>
/// Specialises an expression for resources of one type. The shared R4 search parameters are unions over
/// many resource types (<c>AllergyIntolerance.patient | CarePlan.subject.where(resolve() is Patient) | ...</c>);
/// on an Observation every branch that starts at another resource type is empty by definition (see the
/// identifier rule in <see cref="Compiler"/>), so it is dropped before compiling instead of being
/// evaluated for every resource written. Only branches whose path keeps an empty input empty are dropped
/// (members, indexers, <c>as</c> and functions such as <c>where()</c>); <c>exists()</c> and the like stay.
/// </summary>
internal static class TypePruning
{
    // Functions that return the empty collection for an empty input, whatever their arguments.
    private static readonly HashSet<string> EmptyPreserving = new(StringComparer.Ordinal)
    {
        "where", "select", "ofType", "as", "resolve", "first", "last", "tail", "single", "distinct",
    };

    /// <summary>The expression without its dead branches; null when nothing of it can apply to the type.</summary>
    public static AstNode? Prune(AstNode node, string resourceType, Func<string, bool> isResourceType)
    {
        if (node is BinaryNode { Operator: "|" } union)
        {
            var left = Prune(union.Left, resourceType, isResourceType);
            var right = Prune(union.Right, resourceType, isResourceType);
            if (left is null || right is null)
            {
                // A union also removes duplicates: a branch left alone keeps that with the empty collection.
                var kept = left ?? right;
                return kept is null ? null : new BinaryNode("|", kept, new LiteralNode(null, union.Position), union.Position);
            }
            return ReferenceEquals(left, union.Left) && ReferenceEquals(right, union.Right) ? union : union with { Left = left, Right = right };
        }
        return StartsAtOtherType(node, resourceType, isResourceType) ? null : node;
    }

    private static bool StartsAtOtherType(AstNode node, string resourceType, Func<string, bool> isResourceType) => node switch
    {
        IdentifierNode { Name: var name } => name != resourceType && name is not ("Resource" or "DomainResource") && isResourceType(name),
        MemberNode member => StartsAtOtherType(member.Target, resourceType, isResourceType),
        IndexerNode indexer => StartsAtOtherType(indexer.Target, resourceType, isResourceType),
        TypeOperatorNode { Operator: "as" } cast => StartsAtOtherType(cast.Operand, resourceType, isResourceType),
        CallNode { Target: { } target } call when EmptyPreserving.Contains(call.Name) => StartsAtOtherType(target, resourceType, isResourceType),
        BinaryNode { Operator: "|" } union => StartsAtOtherType(union.Left, resourceType, isResourceType) && StartsAtOtherType(union.Right, resourceType, isResourceType),
        _ => false,
    };
}
