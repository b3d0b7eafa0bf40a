using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.2.2.1 Lone Anonymous Operation. https://spec.graphql.org/October2021/#sec-Lone-Anonymous-Operation</summary>
public sealed class LoneAnonymousOperationRule : ValidationRule
{
    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        if (node.Name is null && ctx.Document.Definitions.Count(d => d is OperationDefinitionNode) > 1)
            ctx.ReportError("This anonymous operation must be the only defined operation.", node);
    }
}
