using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.1.1 Executable Definitions. https://spec.graphql.org/October2021/#sec-Executable-Definitions</summary>
public sealed class ExecutableDefinitionsRule : ValidationRule
{
    public override void EnterDocument(ValidationContext ctx, DocumentNode node)
    {
        foreach (var d in node.Definitions)
            if (d is not ExecutableDefinitionNode)
            {
                var name = d switch { TypeDefinitionNode t => $"\"{t.Name}\"", DirectiveDefinitionNode dd => $"\"{dd.Name}\"", _ => "schema" };
                ctx.ReportError($"The {name} definition is not executable.", d);
            }
    }
}
