using Graph.Engine.Language;

namespace Graph.Engine.Validation;

/// <summary>
/// A rule from spec section 5 (Validation). Rules observe one shared walk of the document;
/// the walker keeps type information current in the <see cref="ValidationContext"/>.
/// https://spec.graphql.org/October2021/#sec-Validation
/// </summary>
public abstract class ValidationRule
{
    public virtual string Name => GetType().Name;
    public virtual void EnterDocument(ValidationContext ctx, DocumentNode node) { }
    public virtual void LeaveDocument(ValidationContext ctx, DocumentNode node) { }
    public virtual void EnterOperation(ValidationContext ctx, OperationDefinitionNode node) { }
    public virtual void LeaveOperation(ValidationContext ctx, OperationDefinitionNode node) { }
    public virtual void EnterFragmentDefinition(ValidationContext ctx, FragmentDefinitionNode node) { }
    public virtual void EnterVariableDefinition(ValidationContext ctx, VariableDefinitionNode node) { }
    public virtual void EnterSelectionSet(ValidationContext ctx, SelectionSetNode node) { }
    public virtual void EnterField(ValidationContext ctx, FieldNode node) { }
    public virtual void LeaveField(ValidationContext ctx, FieldNode node) { }
    public virtual void EnterInlineFragment(ValidationContext ctx, InlineFragmentNode node) { }
    public virtual void EnterFragmentSpread(ValidationContext ctx, FragmentSpreadNode node) { }
    public virtual void EnterDirectives(ValidationContext ctx, IReadOnlyList<DirectiveNode> directives, SyntaxNode owner, string location) { }
    public virtual void EnterDirective(ValidationContext ctx, DirectiveNode node, string location) { }
    public virtual void LeaveDirective(ValidationContext ctx, DirectiveNode node) { }
    public virtual void EnterArgument(ValidationContext ctx, ArgumentNode node) { }
    public virtual void EnterValue(ValidationContext ctx, ValueNode node) { }
    public virtual void LeaveValue(ValidationContext ctx, ValueNode node) { }
    public virtual void EnterObjectField(ValidationContext ctx, ObjectFieldNode node) { }
}
