using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.3.1 Field Selections. https://spec.graphql.org/October2021/#sec-Field-Selections</summary>
public sealed class FieldsOnCorrectTypeRule : ValidationRule
{
    public override void EnterField(ValidationContext ctx, FieldNode node)
    {
        if (ctx.ParentType is { } parent && ctx.FieldDefinition is null)
            ctx.ReportError($"Cannot query field \"{node.Name}\" on type \"{parent.Name}\".", node);
    }
}
