using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.5.1.4 Fragments Must Be Used. https://spec.graphql.org/October2021/#sec-Fragments-Must-Be-Used</summary>
public sealed class NoUnusedFragmentsRule : ValidationRule
{
    public override void LeaveDocument(ValidationContext ctx, DocumentNode node)
    {
        var used = new HashSet<string>();
        foreach (var op in node.Definitions.OfType<OperationDefinitionNode>())
            foreach (var f in ctx.GetRecursivelyReferencedFragments(op)) used.Add(f.Name);
        foreach (var f in node.Definitions.OfType<FragmentDefinitionNode>())
            if (!used.Contains(f.Name)) ctx.ReportError($"Fragment \"{f.Name}\" is never used.", f);
    }
}
