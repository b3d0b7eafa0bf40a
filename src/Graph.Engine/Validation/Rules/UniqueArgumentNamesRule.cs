using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation.Rules;

/// <summary>5.4.2 Argument Uniqueness. https://spec.graphql.org/October2021/#sec-Argument-Uniqueness</summary>
public sealed class UniqueArgumentNamesRule : ValidationRule
{
    private static void Check(ValidationContext ctx, IReadOnlyList<ArgumentNode> args)
    {
        if (args.Count < 2) return;
        foreach (var g in args.GroupBy(a => a.Name).Where(g => g.Count() > 1))
            ctx.ReportError($"There can be only one argument named \"{g.Key}\".", g.Cast<SyntaxNode>().ToArray());
    }

    public override void EnterField(ValidationContext ctx, FieldNode node) => Check(ctx, node.Arguments);
    public override void EnterDirective(ValidationContext ctx, DirectiveNode node, string location) => Check(ctx, node.Arguments);
}
