using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.8.5 All Variable Usages Are Allowed. https://spec.graphql.org/October2021/#sec-All-Variable-Usages-are-Allowed</summary>
public sealed class VariablesInAllowedPositionRule : ValidationRule
{
    public override void LeaveDocument(ValidationContext ctx, DocumentNode node)
    {
        foreach (var op in node.Definitions.OfType<OperationDefinitionNode>())
        {
            var defs = new Dictionary<string, VariableDefinitionNode>(StringComparer.Ordinal);
            foreach (var v in op.VariableDefinitions) defs.TryAdd(v.Variable.Name, v);
            foreach (var usage in ctx.GetRecursiveVariableUsages(op))
            {
                if (!defs.TryGetValue(usage.Node.Name, out var def) || usage.Type is null) continue;
                var varType = ctx.Schema.FromAst(def.Type);
                if (varType is null) continue;
                if (!AllowedInPosition(ctx.Schema, varType, def.DefaultValue, usage.Type, usage.HasLocationDefault))
                    ctx.ReportError($"Variable \"${usage.Node.Name}\" of type \"{varType}\" used in position expecting type \"{usage.Type}\".", def, usage.Node);
                else if (usage.InOneOfField && varType is not NonNullType)
                    ctx.ReportError($"Variable \"${usage.Node.Name}\" is of type \"{varType}\" but must be non-nullable to be used for OneOf Input Object.", def, usage.Node);
            }
        }
    }

    private static bool AllowedInPosition(Schema schema, GraphType varType, ValueNode? varDefault, GraphType locationType, bool locationHasDefault)
    {
        if (locationType is NonNullType nn && varType is not NonNullType)
        {
            var hasNonNullDefault = varDefault is not null && varDefault is not NullValueNode;
            if (!hasNonNullDefault && !locationHasDefault) return false;
            return Schema.IsTypeSubTypeOf(schema, varType, nn.OfType);
        }
        return Schema.IsTypeSubTypeOf(schema, varType, locationType);
    }
}
