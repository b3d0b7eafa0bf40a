using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.3.3 Leaf Field Selections. https://spec.graphql.org/October2021/#sec-Leaf-Field-Selections</summary>
public sealed class ScalarLeafsRule : ValidationRule
{
    public override void EnterField(ValidationContext ctx, FieldNode node)
    {
        if (ctx.Type is not { } type) return;
        var named = type.NamedType;
        if (named.IsLeaf)
        {
            if (node.SelectionSet is not null)
                ctx.ReportError($"Field \"{node.Name}\" must not have a selection since type \"{type}\" has no subfields.", node.SelectionSet);
        }
        else if (node.SelectionSet is null)
            ctx.ReportError($"Field \"{node.Name}\" of type \"{type}\" must have a selection of subfields. Did you mean \"{node.Name} {{ ... }}\"?", node);
    }
}
