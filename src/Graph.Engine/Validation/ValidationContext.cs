using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Validation;

/// <summary>A validation error: message, locations and the rule that produced it.</summary>
public sealed record ValidationError(string Message, IReadOnlyList<SourceLocation> Locations, string Rule, string Code);

/// <summary>A variable occurrence with the input type expected where it appears.</summary>
public sealed record VariableUsage(VariableNode Node, GraphType? Type, bool HasLocationDefault, bool InOneOfField);

/// <summary>
/// Shared state for one validation pass: the schema, the document and "type info" (the types in scope at
/// the node being visited), maintained by <see cref="DocumentValidator"/> as it walks the document.
/// </summary>
public sealed class ValidationContext
{
    private readonly List<ValidationError> _errors = [];
    internal readonly List<NamedType?> ParentTypeStack = [];
    internal readonly List<GraphType?> TypeStack = [];
    internal readonly List<FieldDefinition?> FieldStack = [];
    internal readonly List<GraphType?> InputTypeStack = [];
    internal readonly List<bool> InputDefaultStack = [];
    internal readonly List<bool> OneOfFieldStack = [];
    private Dictionary<string, FragmentDefinitionNode>? _fragments;

    internal ValidationContext(Schema schema, DocumentNode document, ValidationOptions options)
    {
        Schema = schema;
        Document = document;
        Options = options;
    }

    public Schema Schema { get; }
    public DocumentNode Document { get; }
    public ValidationOptions Options { get; }
    public IReadOnlyList<ValidationError> Errors => _errors;
    internal string CurrentRule { get; set; } = "";

    public NamedType? ParentType => ParentTypeStack.Count > 0 ? ParentTypeStack[^1] : null;
    public GraphType? Type => TypeStack.Count > 0 ? TypeStack[^1] : null;
    public FieldDefinition? FieldDefinition => FieldStack.Count > 0 ? FieldStack[^1] : null;
    public GraphType? InputType => InputTypeStack.Count > 0 ? InputTypeStack[^1] : null;
    public GraphType? ParentInputType => InputTypeStack.Count > 1 ? InputTypeStack[^2] : null;
    public bool InputHasDefault => InputDefaultStack.Count > 0 && InputDefaultStack[^1];
    public bool InOneOfField => OneOfFieldStack.Count > 0 && OneOfFieldStack[^1];
    public DirectiveDefinition? Directive { get; internal set; }
    public InputValueDefinition? Argument { get; internal set; }
    public ExecutableDefinitionNode? CurrentDefinition { get; internal set; }

    /// <summary>Variable usages per operation or fragment definition, with the expected type at each use.</summary>
    internal Dictionary<ExecutableDefinitionNode, List<VariableUsage>> Usages { get; } = [];
    /// <summary>Fragment spreads made directly within each operation or fragment definition.</summary>
    internal Dictionary<ExecutableDefinitionNode, List<FragmentSpreadNode>> Spreads { get; } = [];

    public void ReportError(string message, params SyntaxNode[] nodes) =>
        _errors.Add(new ValidationError(message, nodes.Select(n => n.Location).ToList(), CurrentRule, Execution.ErrorCodes.ValidationFailed));

    public void ReportError(string message, string code, params SyntaxNode[] nodes) =>
        _errors.Add(new ValidationError(message, nodes.Select(n => n.Location).ToList(), CurrentRule, code));

    public IReadOnlyDictionary<string, FragmentDefinitionNode> Fragments
    {
        get
        {
            if (_fragments is null)
            {
                _fragments = new(StringComparer.Ordinal);
                foreach (var d in Document.Definitions)
                    if (d is FragmentDefinitionNode f) _fragments.TryAdd(f.Name, f);
            }
            return _fragments;
        }
    }

    public FragmentDefinitionNode? GetFragment(string name) => Fragments.GetValueOrDefault(name);

    /// <summary>Fragments reachable from a definition through spreads, transitively.</summary>
    public List<FragmentDefinitionNode> GetRecursivelyReferencedFragments(ExecutableDefinitionNode def)
    {
        var result = new List<FragmentDefinitionNode>();
        var seen = new HashSet<string>();
        var stack = new Stack<ExecutableDefinitionNode>();
        stack.Push(def);
        while (stack.Count > 0)
        {
            var d = stack.Pop();
            if (!Spreads.TryGetValue(d, out var spreads)) continue;
            foreach (var s in spreads)
            {
                if (!seen.Add(s.Name)) continue;
                if (GetFragment(s.Name) is { } f)
                {
                    result.Add(f);
                    stack.Push(f);
                }
            }
        }
        return result;
    }

    public List<VariableUsage> GetRecursiveVariableUsages(OperationDefinitionNode op)
    {
        var list = new List<VariableUsage>(Usages.GetValueOrDefault(op) ?? []);
        foreach (var f in GetRecursivelyReferencedFragments(op)) list.AddRange(Usages.GetValueOrDefault(f) ?? []);
        return list;
    }

    public static IEnumerable<FragmentSpreadNode> SpreadsIn(SelectionSetNode set)
    {
        foreach (var s in set.Selections)
        {
            switch (s)
            {
                case FragmentSpreadNode fs: yield return fs; break;
                case InlineFragmentNode inl:
                    foreach (var x in SpreadsIn(inl.SelectionSet)) yield return x;
                    break;
                case FieldNode { SelectionSet: { } ss }:
                    foreach (var x in SpreadsIn(ss)) yield return x;
                    break;
            }
        }
    }
}

/// <summary>Limits applied during validation (secure by default).</summary>
public sealed class ValidationOptions
{
    public int MaxDepth { get; set; } = 15;
    public int MaxCost { get; set; } = 25_000;
    /// <summary>Multiplier for list fields with no literal page-size argument.</summary>
    public int DefaultListSize { get; set; } = 10;
    public bool AllowIntrospection { get; set; } = true;
}
