using System.Collections.Concurrent;
using Graph.Engine.Language;
using Graph.Engine.Types;
using Graph.Engine.Validation;

namespace Graph.Engine.Execution;

/// <summary>A GraphQL request: document text, optional operation name and variable values (spec 6.1).</summary>
public sealed class GraphRequest
{
    public required string Query { get; init; }
    public string? OperationName { get; init; }
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }
}

/// <summary>Engine settings: limits (on by default), timeout and document cache size.</summary>
public sealed class GraphEngineOptions
{
    public int MaxDocumentLength { get; set; } = 64 * 1024;
    public int MaxTokens { get; set; } = 5_000;
    public int MaxDepth { get; set; } = 15;
    public int MaxCost { get; set; } = 25_000;
    public int DefaultListSize { get; set; } = 10;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    public int DocumentCacheSize { get; set; } = 1_000;
    /// <summary>Show exception messages of unexpected resolver errors to clients (off: they leak internals).</summary>
    public bool ExposeExceptionMessages { get; set; }
}

/// <summary>Per-call switches a transport sets: introspection on/off and whether mutations are allowed (not over GET).</summary>
public sealed class ExecutionPolicy
{
    public static readonly ExecutionPolicy Default = new();
    public bool AllowIntrospection { get; init; } = true;
    public bool AllowMutations { get; init; } = true;
}

/// <summary>
/// The request pipeline: parse → validate → coerce variables → execute, with a cache of parsed and
/// validated documents keyed by the query text. See PIPELINE.md.
/// https://spec.graphql.org/October2021/#sec-Executing-Requests
/// </summary>
public sealed class GraphExecutor
{
    private readonly ConcurrentDictionary<string, CachedDocument> _cache = new(StringComparer.Ordinal);

    public GraphExecutor(Schema schema, GraphEngineOptions? options = null)
    {
        Schema = schema;
        Options = options ?? new GraphEngineOptions();
    }

    public Schema Schema { get; }
    public GraphEngineOptions Options { get; }
    public int CachedDocumentCount => _cache.Count;

    internal sealed class CachedDocument
    {
        public DocumentNode? Document { get; init; }
        public IReadOnlyList<GraphError> Errors { get; init; } = [];
        public bool UsesIntrospection { get; init; }
        public IReadOnlyList<GraphError> IntrospectionErrors { get; init; } = [];
        /// <summary>Variables used by @skip/@include: field plans are cached per combination of their values.</summary>
        public string[] ConditionalVariables { get; init; } = [];
        public Dictionary<string, FragmentDefinitionNode> Fragments { get; init; } = [];
        public bool UsesVariablePageSizes { get; init; }
        public ConcurrentDictionary<(OperationDefinitionNode, string), PlanSet> RootPlans { get; } = new();
    }

    public async Task<ExecutionResult> ExecuteAsync(GraphRequest request, RequestContext? context = null, ExecutionPolicy? policy = null)
    {
        policy ??= ExecutionPolicy.Default;
        context ??= new RequestContext();
        var doc = GetDocument(request.Query, useCache: true);
        if (doc.Document is null) return ExecutionResult.RequestError(doc.Errors);
        if (doc.Errors.Count > 0) return ExecutionResult.RequestError(doc.Errors);
        if (!policy.AllowIntrospection && doc.UsesIntrospection) return ExecutionResult.RequestError(doc.IntrospectionErrors);

        // 6.1 GetOperation
        OperationDefinitionNode? operation = null;
        var count = 0;
        foreach (var d in doc.Document.Definitions)
        {
            if (d is not OperationDefinitionNode op) continue;
            count++;
            if (request.OperationName is null ? count == 1 : op.Name == request.OperationName) operation ??= op;
        }
        if (operation is null || (request.OperationName is null && count > 1))
            return ExecutionResult.RequestError(new GraphError(
                request.OperationName is null ? "Must provide operation name if query contains multiple operations." : $"Unknown operation named \"{request.OperationName}\".",
                ErrorCodes.OperationNotFound));
        if (operation.Operation != OperationType.Query && !policy.AllowMutations)
            return new ExecutionResult { Errors = [new GraphError($"Can only perform a {operation.Operation.ToString().ToLowerInvariant()} operation from a POST request.", ErrorCodes.BadUserInput)], OperationNotAllowed = true };
        if (operation.Operation == OperationType.Subscription)
            return ExecutionResult.RequestError(new GraphError("Subscriptions are not supported over this transport.", ErrorCodes.BadUserInput));

        // 6.1.2 CoerceVariableValues
        Dictionary<string, object?> variables;
        try { variables = CoerceVariables(operation, request.Variables); }
        catch (VariableException ex) { return ExecutionResult.RequestError(ex.Errors); }

        if (doc.UsesVariablePageSizes)
        {
            var cost = Validation.Rules.MaxCostRule.Estimate(Schema, operation, doc.Fragments.GetValueOrDefault, variables, Options.DefaultListSize);
            if (cost > Options.MaxCost)
                return ExecutionResult.RequestError(new GraphError(Validation.Rules.MaxCostRule.Message(cost, Options.MaxCost), ErrorCodes.MaxCostExceeded, [operation.Location]));
        }

        var rootType = Schema.GetRootType(operation.Operation)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(Options.Timeout);
        var ctx = new OperationContext(Schema, context, variables, doc.Fragments, true, Options.ExposeExceptionMessages, timeout.Token);
        var conditionKey = doc.ConditionalVariables.Length == 0 ? "" : string.Concat(doc.ConditionalVariables.Select(v => variables.TryGetValue(v, out var b) && b is true ? '1' : '0'));
        ResultMap? data;
        try
        {
            data = await Executor.ExecuteOperationAsync(ctx, operation, rootType, doc.RootPlans, conditionKey, null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var errors = ctx.Errors;
            errors.Add(new GraphError(context.CancellationToken.IsCancellationRequested ? "The request was cancelled." : $"The operation did not complete within {Options.Timeout.TotalSeconds:0.###} seconds.", ErrorCodes.Timeout));
            return new ExecutionResult { HasData = true, Data = null, Errors = errors };
        }
        return new ExecutionResult { HasData = true, Data = data, Errors = ctx.Errors };
    }

    /// <summary>Parses and validates a document, using the cache keyed by the query text.</summary>
    internal CachedDocument GetDocument(string query, bool useCache)
    {
        if (useCache && _cache.TryGetValue(query, out var hit)) return hit;
        var entry = Prepare(query);
        if (useCache)
        {
            if (_cache.Count >= Options.DocumentCacheSize) _cache.Clear();
            _cache.TryAdd(query, entry);
        }
        return entry;
    }

    /// <summary>Parse and validate without touching the cache (used to measure cold requests).</summary>
    public IReadOnlyList<GraphError> Validate(string query) => Prepare(query).Errors;

    private CachedDocument Prepare(string query)
    {
        if (query.Length > Options.MaxDocumentLength)
            return new CachedDocument { Errors = [new GraphError($"The document is {query.Length} characters long, which exceeds the maximum of {Options.MaxDocumentLength}.", ErrorCodes.MaxDocumentSizeExceeded)] };
        DocumentNode document;
        try
        {
            document = Parser.Parse(query, Options.MaxTokens);
        }
        catch (GraphQLSyntaxException ex)
        {
            return new CachedDocument { Errors = [new GraphError(ex.Message, ex.Code, [new SourceLocation(0, 0, ex.Line, ex.Column)])] };
        }
        var validationOptions = new ValidationOptions
        {
            MaxDepth = Options.MaxDepth, MaxCost = Options.MaxCost, DefaultListSize = Options.DefaultListSize, AllowIntrospection = true,
        };
        var errors = DocumentValidator.Validate(Schema, document, validationOptions);
        var introspectionField = FindIntrospectionField(document);
        var fragments = new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal);
        foreach (var d in document.Definitions)
            if (d is FragmentDefinitionNode f) fragments.TryAdd(f.Name, f);
        return new CachedDocument
        {
            Document = document,
            Errors = errors.Select(ToGraphError).ToList(),
            UsesIntrospection = introspectionField is not null,
            IntrospectionErrors = introspectionField is null ? [] : [IntrospectionDisabledError(introspectionField)],
            ConditionalVariables = ConditionalVariables(document),
            UsesVariablePageSizes = Validation.Rules.MaxCostRule.UsesVariablePageSizes(Schema, document),
            Fragments = fragments,
        };
    }

    private static GraphError IntrospectionDisabledError(FieldNode field)
    {
        var g = new GraphError("GraphQL introspection is not allowed, but the query contained __schema or __type.", ErrorCodes.IntrospectionDisabled, [field.Location]);
        g.Extensions["rule"] = nameof(Validation.Rules.IntrospectionAllowedRule);
        return g;
    }

    private static FieldNode? FindIntrospectionField(DocumentNode doc)
    {
        static FieldNode? InSet(SelectionSetNode? set)
        {
            if (set is null) return null;
            foreach (var s in set.Selections)
            {
                var found = s switch
                {
                    FieldNode { Name: "__schema" or "__type" } f => f,
                    FieldNode f => InSet(f.SelectionSet),
                    InlineFragmentNode i => InSet(i.SelectionSet),
                    _ => null,
                };
                if (found is not null) return found;
            }
            return null;
        }
        foreach (var d in doc.Definitions)
            if (d is ExecutableDefinitionNode e && InSet(e.SelectionSet) is { } f) return f;
        return null;
    }

    private static GraphError ToGraphError(ValidationError e)
    {
        var g = new GraphError(e.Message, e.Code, e.Locations);
        g.Extensions["rule"] = e.Rule;
        return g;
    }

    private static string[] ConditionalVariables(DocumentNode doc)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        void InSet(SelectionSetNode? set)
        {
            if (set is null) return;
            foreach (var s in set.Selections)
            {
                foreach (var d in s.Directives)
                    if (d.Name is "skip" or "include")
                        foreach (var a in d.Arguments)
                            if (a.Value is VariableNode v) names.Add(v.Name);
                switch (s)
                {
                    case FieldNode f: InSet(f.SelectionSet); break;
                    case InlineFragmentNode i: InSet(i.SelectionSet); break;
                }
            }
        }
        foreach (var d in doc.Definitions.OfType<ExecutableDefinitionNode>()) InSet(d.SelectionSet);
        return [.. names];
    }

    private sealed class VariableException(List<GraphError> errors) : Exception
    {
        public List<GraphError> Errors { get; } = errors;
    }

    /// <summary>https://spec.graphql.org/October2021/#CoerceVariableValues()</summary>
    private Dictionary<string, object?> CoerceVariables(OperationDefinitionNode op, IReadOnlyDictionary<string, object?>? values)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (op.VariableDefinitions.Count == 0) return result;
        var errors = new List<GraphError>();
        foreach (var def in op.VariableDefinitions)
        {
            var name = def.Variable.Name;
            var type = Schema.FromAst(def.Type)!;
            var has = values is not null && values.TryGetValue(name, out _);
            var value = has ? values![name] : null;
            if (!has && def.DefaultValue is not null)
            {
                result[name] = InputCoercion.CoerceLiteral(def.DefaultValue, type, null);
                continue;
            }
            if (type is NonNullType && (!has || value is null))
            {
                errors.Add(new GraphError(has
                    ? $"Variable \"${name}\" of non-null type \"{type}\" must not be null."
                    : $"Variable \"${name}\" of required type \"{type}\" was not provided.", ErrorCodes.BadUserInput, [def.Location]));
                continue;
            }
            if (!has) continue;
            try
            {
                result[name] = InputCoercion.CoerceInputValue(value, type);
            }
            catch (CoercionException ex)
            {
                errors.Add(new GraphError($"Variable \"${name}\" got invalid value; {ex.Message}", ErrorCodes.BadUserInput, [def.Location]));
            }
        }
        if (errors.Count > 0) throw new VariableException(errors);
        return result;
    }
}
