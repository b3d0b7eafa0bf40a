using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.8.2 Variables Are Input Types. https://spec.graphql.org/October2021/#sec-Variables-Are-Input-Types</summary>
public sealed class VariablesAreInputTypesRule : ValidationRule
{
    public override void EnterVariableDefinition(ValidationContext ctx, VariableDefinitionNode node)
    {
        var t = ctx.Schema.GetType(node.Type.NamedType.Name);
        if (t is not null && !t.IsInputType)
            ctx.ReportError($"Variable \"${node.Variable.Name}\" cannot be non-input type \"{Printer.Print(node.Type)}\".", node.Type);
    }
}
