namespace Graph.Engine.Language;

/// <summary>Position of a node in its source; line and column are 1-based (spec 2.1 Source Text).</summary>
public readonly record struct SourceLocation(int Start, int End, int Line, int Column);

/// <summary>
/// Abstract syntax tree for GraphQL documents, executable and type-system alike.
/// https://spec.graphql.org/October2021/#sec-Language
/// </summary>
public abstract class SyntaxNode
{
    public SourceLocation Location { get; init; }
}

public sealed class DocumentNode(IReadOnlyList<DefinitionNode> definitions) : SyntaxNode
{
    public IReadOnlyList<DefinitionNode> Definitions { get; } = definitions;
    public int TokenCount { get; init; }
}

public abstract class DefinitionNode : SyntaxNode;

public abstract class ExecutableDefinitionNode : DefinitionNode
{
    public abstract SelectionSetNode SelectionSet { get; }
    public abstract IReadOnlyList<DirectiveNode> Directives { get; }
}

public enum OperationType { Query, Mutation, Subscription }

public sealed class OperationDefinitionNode(
    OperationType operation, string? name, IReadOnlyList<VariableDefinitionNode> variableDefinitions,
    IReadOnlyList<DirectiveNode> directives, SelectionSetNode selectionSet) : ExecutableDefinitionNode
{
    public OperationType Operation { get; } = operation;
    public string? Name { get; } = name;
    public IReadOnlyList<VariableDefinitionNode> VariableDefinitions { get; } = variableDefinitions;
    public override IReadOnlyList<DirectiveNode> Directives { get; } = directives;
    public override SelectionSetNode SelectionSet { get; } = selectionSet;
}

public sealed class FragmentDefinitionNode(
    string name, NamedTypeNode typeCondition, IReadOnlyList<DirectiveNode> directives, SelectionSetNode selectionSet)
    : ExecutableDefinitionNode
{
    public string Name { get; } = name;
    public NamedTypeNode TypeCondition { get; } = typeCondition;
    public override IReadOnlyList<DirectiveNode> Directives { get; } = directives;
    public override SelectionSetNode SelectionSet { get; } = selectionSet;
}

public sealed class VariableDefinitionNode(VariableNode variable, TypeNode type, ValueNode? defaultValue, IReadOnlyList<DirectiveNode> directives) : SyntaxNode
{
    public VariableNode Variable { get; } = variable;
    public TypeNode Type { get; } = type;
    public ValueNode? DefaultValue { get; } = defaultValue;
    public IReadOnlyList<DirectiveNode> Directives { get; } = directives;
}

public sealed class SelectionSetNode(IReadOnlyList<SelectionNode> selections) : SyntaxNode
{
    public IReadOnlyList<SelectionNode> Selections { get; } = selections;
}

public abstract class SelectionNode : SyntaxNode
{
    public abstract IReadOnlyList<DirectiveNode> Directives { get; }
}

public sealed class FieldNode(string? alias, string name, IReadOnlyList<ArgumentNode> arguments,
    IReadOnlyList<DirectiveNode> directives, SelectionSetNode? selectionSet) : SelectionNode
{
    public string? Alias { get; } = alias;
    public string Name { get; } = name;
    public string ResponseKey => Alias ?? Name;
    public IReadOnlyList<ArgumentNode> Arguments { get; } = arguments;
    public override IReadOnlyList<DirectiveNode> Directives { get; } = directives;
    public SelectionSetNode? SelectionSet { get; } = selectionSet;
}

public sealed class FragmentSpreadNode(string name, IReadOnlyList<DirectiveNode> directives) : SelectionNode
{
    public string Name { get; } = name;
    public override IReadOnlyList<DirectiveNode> Directives { get; } = directives;
}

public sealed class InlineFragmentNode(NamedTypeNode? typeCondition, IReadOnlyList<DirectiveNode> directives, SelectionSetNode selectionSet) : SelectionNode
{
    public NamedTypeNode? TypeCondition { get; } = typeCondition;
    public override IReadOnlyList<DirectiveNode> Directives { get; } = directives;
    public SelectionSetNode SelectionSet { get; } = selectionSet;
}

public sealed class ArgumentNode(string name, ValueNode value) : SyntaxNode
{
    public string Name { get; } = name;
    public ValueNode Value { get; } = value;
}

public sealed class DirectiveNode(string name, IReadOnlyList<ArgumentNode> arguments) : SyntaxNode
{
    public string Name { get; } = name;
    public IReadOnlyList<ArgumentNode> Arguments { get; } = arguments;
}

public abstract class ValueNode : SyntaxNode;

public sealed class VariableNode(string name) : ValueNode { public string Name { get; } = name; }
public sealed class IntValueNode(string value) : ValueNode { public string Value { get; } = value; }
public sealed class FloatValueNode(string value) : ValueNode { public string Value { get; } = value; }
public sealed class StringValueNode(string value, bool block = false) : ValueNode
{
    public string Value { get; } = value;
    public bool Block { get; } = block;
}
public sealed class BooleanValueNode(bool value) : ValueNode { public bool Value { get; } = value; }
public sealed class NullValueNode : ValueNode;
public sealed class EnumValueNode(string value) : ValueNode { public string Value { get; } = value; }
public sealed class ListValueNode(IReadOnlyList<ValueNode> values) : ValueNode { public IReadOnlyList<ValueNode> Values { get; } = values; }
public sealed class ObjectValueNode(IReadOnlyList<ObjectFieldNode> fields) : ValueNode { public IReadOnlyList<ObjectFieldNode> Fields { get; } = fields; }
public sealed class ObjectFieldNode(string name, ValueNode value) : SyntaxNode
{
    public string Name { get; } = name;
    public ValueNode Value { get; } = value;
}

public abstract class TypeNode : SyntaxNode
{
    public NamedTypeNode NamedType => this switch
    {
        NamedTypeNode n => n,
        ListTypeNode l => l.Type.NamedType,
        NonNullTypeNode nn => nn.Type.NamedType,
        _ => throw new InvalidOperationException(),
    };
}
public sealed class NamedTypeNode(string name) : TypeNode { public string Name { get; } = name; }
public sealed class ListTypeNode(TypeNode type) : TypeNode { public TypeNode Type { get; } = type; }
public sealed class NonNullTypeNode(TypeNode type) : TypeNode { public TypeNode Type { get; } = type; }

/// <summary>Type-system definitions and extensions share node classes; <see cref="IsExtension"/> tells them apart.</summary>
public abstract class TypeSystemNode : DefinitionNode
{
    public bool IsExtension { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class SchemaDefinitionNode(IReadOnlyList<OperationTypeDefinitionNode> operationTypes) : TypeSystemNode
{
    public IReadOnlyList<OperationTypeDefinitionNode> OperationTypes { get; } = operationTypes;
}

public sealed class OperationTypeDefinitionNode(OperationType operation, NamedTypeNode type) : SyntaxNode
{
    public OperationType Operation { get; } = operation;
    public NamedTypeNode Type { get; } = type;
}

public abstract class TypeDefinitionNode(string name) : TypeSystemNode
{
    public string Name { get; } = name;
}

public sealed class ScalarTypeDefinitionNode(string name) : TypeDefinitionNode(name);

public sealed class ObjectTypeDefinitionNode(string name, IReadOnlyList<NamedTypeNode> interfaces, IReadOnlyList<FieldDefinitionNode> fields) : TypeDefinitionNode(name)
{
    public IReadOnlyList<NamedTypeNode> Interfaces { get; } = interfaces;
    public IReadOnlyList<FieldDefinitionNode> Fields { get; } = fields;
}

public sealed class InterfaceTypeDefinitionNode(string name, IReadOnlyList<NamedTypeNode> interfaces, IReadOnlyList<FieldDefinitionNode> fields) : TypeDefinitionNode(name)
{
    public IReadOnlyList<NamedTypeNode> Interfaces { get; } = interfaces;
    public IReadOnlyList<FieldDefinitionNode> Fields { get; } = fields;
}

public sealed class UnionTypeDefinitionNode(string name, IReadOnlyList<NamedTypeNode> types) : TypeDefinitionNode(name)
{
    public IReadOnlyList<NamedTypeNode> Types { get; } = types;
}

public sealed class EnumTypeDefinitionNode(string name, IReadOnlyList<EnumValueDefinitionNode> values) : TypeDefinitionNode(name)
{
    public IReadOnlyList<EnumValueDefinitionNode> Values { get; } = values;
}

public sealed class InputObjectTypeDefinitionNode(string name, IReadOnlyList<InputValueDefinitionNode> fields) : TypeDefinitionNode(name)
{
    public IReadOnlyList<InputValueDefinitionNode> Fields { get; } = fields;
}

public sealed class FieldDefinitionNode(string name, IReadOnlyList<InputValueDefinitionNode> arguments, TypeNode type) : SyntaxNode
{
    public string? Description { get; init; }
    public string Name { get; } = name;
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; } = arguments;
    public TypeNode Type { get; } = type;
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class InputValueDefinitionNode(string name, TypeNode type, ValueNode? defaultValue) : SyntaxNode
{
    public string? Description { get; init; }
    public string Name { get; } = name;
    public TypeNode Type { get; } = type;
    public ValueNode? DefaultValue { get; } = defaultValue;
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class EnumValueDefinitionNode(string name) : SyntaxNode
{
    public string? Description { get; init; }
    public string Name { get; } = name;
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class DirectiveDefinitionNode(string name, IReadOnlyList<InputValueDefinitionNode> arguments, bool repeatable, IReadOnlyList<string> locations) : TypeSystemNode
{
    public string Name { get; } = name;
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; } = arguments;
    public bool Repeatable { get; } = repeatable;
    public IReadOnlyList<string> Locations { get; } = locations;
}
