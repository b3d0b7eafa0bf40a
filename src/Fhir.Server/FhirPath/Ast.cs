namespace Fhir.Server.FhirPath;

/// <summary>The syntax tree of a FHIRPath expression (http://hl7.org/fhirpath/N1/#grammar).
/// Every node keeps the character offset where it starts, for error messages.</summary>
internal abstract record AstNode(int Position);

/// <summary>A literal; <c>null</c> value for the empty collection <c>{}</c>.</summary>
internal sealed record LiteralNode(FhirPathValue? Value, int Position) : AstNode(Position);

/// <summary>A name at the start of a path or inside a function argument: a member of the focus, or the
/// focus itself when the name is its type (<c>Observation.value</c>).</summary>
internal sealed record IdentifierNode(string Name, int Position) : AstNode(Position);

internal sealed record MemberNode(AstNode Target, string Name, int Position) : AstNode(Position);

/// <summary>A function call; <see cref="Target"/> is null when the function applies to the focus.</summary>
internal sealed record CallNode(AstNode? Target, string Name, IReadOnlyList<AstNode> Arguments, int Position) : AstNode(Position);

internal sealed record IndexerNode(AstNode Target, AstNode Index, int Position) : AstNode(Position);

/// <summary><c>$this</c>, <c>$index</c> or <c>$total</c>.</summary>
internal sealed record VariableNode(string Name, int Position) : AstNode(Position);

/// <summary><c>%name</c>.</summary>
internal sealed record ExternalConstantNode(string Name, int Position) : AstNode(Position);

internal sealed record UnaryNode(string Operator, AstNode Operand, int Position) : AstNode(Position);

internal sealed record BinaryNode(string Operator, AstNode Left, AstNode Right, int Position) : AstNode(Position);

/// <summary><c>x is T</c> / <c>x as T</c>.</summary>
internal sealed record TypeOperatorNode(string Operator, AstNode Operand, TypeSpecifier Type, int Position) : AstNode(Position);

/// <summary>A type name, optionally qualified: <c>Quantity</c>, <c>FHIR.Quantity</c>, <c>System.String</c>.</summary>
internal sealed record TypeSpecifier(string? Namespace, string Name)
{
    public override string ToString() => Namespace is null ? Name : Namespace + "." + Name;
}
