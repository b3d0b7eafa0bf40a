using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>Rejects __schema and __type when introspection is switched off for the endpoint (__typename stays allowed).</summary>
public sealed class IntrospectionAllowedRule : ValidationRule
{
    public override void EnterField(ValidationContext ctx, FieldNode node)
    {
        if (!ctx.Options.AllowIntrospection && node.Name is "__schema" or "__type")
            ctx.ReportError("GraphQL introspection is not allowed, but the query contained __schema or __type.", Execution.ErrorCodes.IntrospectionDisabled, node);
    }
}
