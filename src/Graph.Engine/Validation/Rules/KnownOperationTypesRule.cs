using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>The schema must support the operation's type (spec 6.1 GetOperation / 5.2).</summary>
public sealed class KnownOperationTypesRule : ValidationRule
{
    public override void EnterOperation(ValidationContext ctx, OperationDefinitionNode node)
    {
        if (ctx.Schema.GetRootType(node.Operation) is null)
            ctx.ReportError($"The {node.Operation.ToString().ToLowerInvariant()} operation is not supported by the schema.", node);
    }
}
