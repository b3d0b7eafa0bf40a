using Graph.Engine.Language;

namespace Graph.Engine.Execution;

/// <summary>Stable values for <c>extensions.code</c>.</summary>
public static class ErrorCodes
{
    public const string ParseFailed = "GRAPHQL_PARSE_FAILED";
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";
    public const string BadUserInput = "BAD_USER_INPUT";
    public const string OperationNotFound = "OPERATION_RESOLUTION_FAILURE";
    public const string InternalError = "INTERNAL_SERVER_ERROR";
    public const string ResolverError = "RESOLVER_ERROR";
    public const string NonNullViolation = "NON_NULL_VIOLATION";
    public const string Timeout = "TIMEOUT";
    public const string MaxTokensExceeded = "MAX_TOKENS_EXCEEDED";
    public const string MaxDocumentSizeExceeded = "MAX_DOCUMENT_SIZE_EXCEEDED";
    public const string MaxDepthExceeded = "MAX_DEPTH_EXCEEDED";
    public const string MaxCostExceeded = "MAX_COST_EXCEEDED";
    public const string IntrospectionDisabled = "INTROSPECTION_DISABLED";
}

/// <summary>
/// A GraphQL error as it appears in a response: message, locations, path and extensions.
/// https://spec.graphql.org/October2021/#sec-Errors
/// </summary>
public sealed class GraphError
{
    public GraphError(string message, string code, IReadOnlyList<SourceLocation>? locations = null, IReadOnlyList<object>? path = null)
    {
        Message = message;
        Locations = locations ?? [];
        Path = path;
        Extensions = new Dictionary<string, object?> { ["code"] = code };
    }

    public string Message { get; }
    public IReadOnlyList<SourceLocation> Locations { get; }
    public IReadOnlyList<object>? Path { get; }
    public Dictionary<string, object?> Extensions { get; }
    public string Code => (string)Extensions["code"]!;

    public override string ToString() => Message;
}

/// <summary>Throw from a resolver to return an error whose message and code reach the client.</summary>
public class GraphQLException(string message, string code = ErrorCodes.ResolverError) : Exception(message)
{
    public string Code { get; } = code;
    public Dictionary<string, object?> Extensions { get; } = [];
}

/// <summary>A response path segment list built on demand from a linked chain (spec 7.1.2 "path").</summary>
public sealed class ResponsePath
{
    public static readonly ResponsePath Root = new(null, null, -1);

    private ResponsePath(ResponsePath? parent, string? key, int index)
    {
        Parent = parent;
        Key = key;
        Index = index;
    }

    public ResponsePath? Parent { get; }
    public string? Key { get; }
    public int Index { get; }

    public ResponsePath Append(string key) => new(this, key, -1);
    public ResponsePath Append(int index) => new(this, null, index);

    public IReadOnlyList<object> ToList()
    {
        var list = new List<object>();
        for (var p = this; p is not null && p != Root; p = p.Parent) list.Add(p.Key is not null ? p.Key : p.Index);
        list.Reverse();
        return list;
    }

    public override string ToString() => string.Join(".", ToList());
}

/// <summary>An ordered response object: keys shared by every object of one selection plan, values per object.</summary>
public sealed class ResultMap(string[] keys, object?[] values)
{
    public string[] Keys { get; } = keys;
    public object?[] Values { get; } = values;
    public int Count => Keys.Length;

    public object? this[string key]
    {
        get
        {
            for (var i = 0; i < Keys.Length; i++) if (Keys[i] == key) return Values[i];
            throw new KeyNotFoundException(key);
        }
    }
}

/// <summary>The outcome of one request: data (absent when execution never started) and errors.</summary>
public sealed class ExecutionResult
{
    public ResultMap? Data { get; init; }
    /// <summary>False for request errors (parse, validation, coercion): the response has no data entry.</summary>
    public bool HasData { get; init; }
    public IReadOnlyList<GraphError> Errors { get; init; } = [];
    /// <summary>True when the failure happened before execution (parse/validation/variable coercion).</summary>
    public bool IsRequestError => !HasData && Errors.Count > 0;
    /// <summary>The operation type is not allowed by the transport (a mutation over GET).</summary>
    public bool OperationNotAllowed { get; init; }

    public static ExecutionResult RequestError(params GraphError[] errors) => new() { Errors = errors };
    public static ExecutionResult RequestError(IReadOnlyList<GraphError> errors) => new() { Errors = errors };
}
